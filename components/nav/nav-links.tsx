"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { PendingReviewsCount } from "@/components/review/live-queue";

/** `pendingReviews`: the link shows the review queue's live pending count, starting from this number. */
export type NavLink = { href: string; label: string; testId: string; pendingReviews?: number };

/** The section links; the current section is marked for sighted and screen-reader users. */
export function NavLinks({ links }: { links: NavLink[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex min-w-0 items-center gap-1 overflow-x-auto">
      {links.map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              data-testid={l.testId}
              aria-current={active ? "page" : undefined}
              className={`whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors ${
                active
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
                  : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
              }`}
            >
              {l.label}
              {l.pendingReviews !== undefined ? <PendingReviewsCount initial={l.pendingReviews} /> : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
