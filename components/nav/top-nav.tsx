import Link from "next/link";
import { unstable_rethrow } from "next/navigation";
import { areasFor, type StaffIdentity } from "@/lib/auth/roles";
import { getStaffSession } from "@/lib/auth/session";
import { countPendingReviewItems } from "@/lib/db/queries/review-queue";
import { getDb } from "@/lib/db/client";
import { countOpenAlerts } from "@/lib/usage/alerts";
import { log } from "@/lib/log";
import { NavLinks, type NavLink } from "./nav-links";
import { UserMenu } from "./user-menu";

async function sessionForNav(): Promise<StaffIdentity | null> {
  try {
    return await getStaffSession();
  } catch (err) {
    // Next.js signals dynamic rendering by throwing: that must pass through.
    unstable_rethrow(err);
    // The nav must not take public pages down with it; staff pages check again and fail loudly.
    log.error({ err }, "[nav] could not read the staff session");
    return null;
  }
}

/** The review queue's pending count when the page is rendered; the badge then follows it live. */
async function pendingForNav(): Promise<number | undefined> {
  try {
    return (await countPendingReviewItems({ db: getDb() })).pending;
  } catch (err) {
    unstable_rethrow(err);
    log.error({ err }, "[nav] could not count pending reviews");
    return undefined;
  }
}

/** Open usage alerts, for the Usage link's badge; the nav stays up if the count cannot be read. */
async function openAlertCount(): Promise<number> {
  try {
    return await countOpenAlerts({ db: getDb() });
  } catch (err) {
    unstable_rethrow(err);
    log.error({ err }, "[nav] could not count open usage alerts");
    return 0;
  }
}

/** The top bar: brand, the links the visitor may use, and who is signed in. */
export async function TopNav() {
  const staff = await sessionForNav();
  const areas = staff ? areasFor(staff.role) : [];
  const pending = areas.some((a) => a.area === "reviews") ? await pendingForNav() : undefined;
  const alerts = areas.some((a) => a.area === "usage") ? await openAlertCount() : 0;
  const links: NavLink[] = [{ href: "/chat", label: "Customer chat", testId: "nav-link-chat" }].concat(
    areas.map((a) => ({
      href: a.href, label: a.label, testId: `nav-link-${a.area}`,
      ...(a.area === "reviews" ? { pendingReviews: pending } : {}),
      ...(a.area === "usage" ? { badge: { count: alerts, label: "open alerts" } } : {}),
    })),
  );
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
      {/* On a phone the section links get a row of their own under the brand and the
          account, so no label is cut off; from sm up it is one 56 px row. */}
      <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 sm:h-14 sm:flex-nowrap sm:gap-6 sm:px-6 sm:py-0">
        <Link href="/" className="flex shrink-0 items-center gap-2 text-sm font-semibold tracking-tight text-zinc-900 dark:text-zinc-100" data-testid="nav-home">
          <span aria-hidden className="grid size-6 place-items-center rounded-md bg-zinc-900 text-[11px] font-bold text-white dark:bg-zinc-100 dark:text-zinc-900">
            SB
          </span>
          {/* On the narrowest phones the mark alone names the app. */}
          <span className="max-[399px]:sr-only">Switchboard</span>
        </Link>
        <NavLinks links={links} />
        <div className="ml-auto">
          {staff ? (
            <UserMenu staff={staff} />
          ) : (
            <Link href="/sign-in" className="whitespace-nowrap text-sm font-medium text-zinc-700 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-white" data-testid="nav-sign-in">
              Staff sign-in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
