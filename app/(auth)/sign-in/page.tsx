import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { cardStyles } from "@/components/ui/styles";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getStaffSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// next-auth sends people here with ?error=... when its own endpoints fail a sign-in.
function errorFrom(param: string | string[] | undefined) {
  if (param === undefined) return undefined;
  return param === "CredentialsSignin" ? ("invalid_credentials" as const) : ("unavailable" as const);
}

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(typeof params.callbackUrl === "string" ? params.callbackUrl : undefined);
  const staff = await getStaffSession();
  return (
    <div className="mx-auto max-w-sm pt-8">
      <div className="mb-6 text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Staff sign-in</h1>
        <p className="mt-2 text-sm text-zinc-600">For reviewers, auditors and admins of Switchboard.</p>
      </div>
      {staff ? (
        <p className="mb-4 rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700" data-testid="already-signed-in">
          You are signed in as {staff.name} ({ROLE_LABELS[staff.role]}). Signing in again switches the account.
        </p>
      ) : null}
      <div className={`${cardStyles} p-6`}>
        <SignInForm callbackUrl={callbackUrl} initialError={errorFrom(params.error)} />
      </div>
      <p className="mt-4 text-center text-xs text-zinc-500">Customers do not sign in here: they use the customer chat.</p>
    </div>
  );
}
