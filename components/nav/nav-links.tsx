"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { PendingReviewsCount } from "@/components/review/live-queue";

/** `pendingReviews`: the link shows the review queue's live pending count, starting from this number; `badge`: a fixed count (open usage alerts). */
export type NavLink = { href: string; label: string; testId: string; pendingReviews?: number; badge?: { count: number; label: string } };

/** The section links; the current section is marked for sighted and screen-reader users. */
export function NavLinks({ links }: { links: NavLink[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex min-w-0 items-center gap-1 overflow-x-auto max-sm:order-last max-sm:-mx-2.5 max-sm:basis-full">
      {links.map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <li key={l.href}>
            {/* relative: a badge's screen-reader text (absolutely placed) stays inside this scrolling list instead of widening the page on phones. */}
            <Link
              href={l.href}
              data-testid={l.testId}
              aria-current={active ? "page" : undefined}
              className={`relative whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors ${
                active
                  ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
                  : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
              }`}
            >
              {l.label}
              {l.pendingReviews !== undefined ? <PendingReviewsCount initial={l.pendingReviews} /> : null}
              {l.badge && l.badge.count > 0 ? (
                <span className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1.5 text-[11px] font-semibold leading-5 text-white" data-testid={`${l.testId}-badge`}>
                  {l.badge.count > 99 ? "99+" : l.badge.count}
                  <span className="sr-only"> {l.badge.label}</span>
                </span>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
