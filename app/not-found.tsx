import Link from "next/link";
import { SiteFrame } from "@/components/nav/site-frame";
import { buttonStyles } from "@/components/ui/styles";

export default function NotFound() {
  return (
    <SiteFrame>
      <section className="mx-auto max-w-md py-16 text-center" data-testid="not-found">
        <p className="text-sm font-semibold text-zinc-500">404</p>
        <h1 className="mt-2 text-xl font-semibold tracking-tight">This page does not exist</h1>
        <Link href="/" className={`${buttonStyles.secondary} mt-6`}>
          Back to home
        </Link>
      </section>
    </SiteFrame>
  );
}
