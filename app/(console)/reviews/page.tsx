import type { Metadata } from "next";
import Link from "next/link";
import { Forbidden } from "@/components/auth/forbidden";
import { LiveQueueRefresh } from "@/components/review/live-queue";
import { QueueFilters } from "@/components/review/queue-filters";
import { EmptyQueue, ReviewQueue } from "@/components/review/review-queue";
import { PageHeader } from "@/components/ui/page-header";
import { buttonStyles } from "@/components/ui/styles";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { countPendingReviewItems, listQueueWorkers, listReviewQueue } from "@/lib/db/queries/review-queue";
import { encodeCursor, parseQueueParams, queueHref } from "@/lib/reviews/queue-params";
import { getEngine, getSettingsSource } from "@/lib/server/app-process";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireRole(AREA_ROLES.reviews, "/reviews");
  if (!access.ok) return <Forbidden staff={access.staff} area="reviews" />;
  const params = parseQueueParams(await searchParams);
  const { db } = getEngine();
  const { settings } = await getSettingsSource().current();
  const sla = Object.fromEntries(Object.entries(settings.policy.reviewKinds).map(([k, v]) => [k, v.slaMinutes])) as Parameters<typeof listReviewQueue>[0]["sla"];
  const now = new Date();
  const [page, counts, workers] = await Promise.all([
    listReviewQueue({ db, now, sla, viewerId: access.staff.id, filters: params.filters, sort: params.sort, after: params.after }),
    countPendingReviewItems({ db, now, sla }),
    listQueueWorkers({ db }),
  ]);
  const f = params.filters;
  const filtered = !!(f.kind || f.worker || f.customerId || f.overdue || f.mine);
  return (
    <div data-color-scheme="auto">
      <PageHeader
        title="Review queue"
        description="Actions the agents may not take on their own: credits over the auto-credit limit, downgrades with a fee, answers below the confidence threshold and failed workers. Claim an item, check it, decide: the run then finishes by itself."
      >
        <p className="flex items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="review-count">
          <span>
            <span className="font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{counts.pending}</span> waiting
          </span>
          {counts.overdue > 0 ? (
            <Link href={queueHref(params, { overdue: "1" })} className="font-medium text-red-700 hover:underline dark:text-red-400" data-testid="review-overdue-count">
              {counts.overdue} overdue
            </Link>
          ) : null}
        </p>
      </PageHeader>
      <LiveQueueRefresh />
      <QueueFilters params={params} workers={workers} />
      {page.rows.length === 0 ? <EmptyQueue filtered={filtered || !!params.after} /> : <ReviewQueue rows={page.rows} now={now} viewerId={access.staff.id} />}
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
        {params.after ? (
          <Link href={queueHref(params, {})} className={buttonStyles.ghost} data-testid="review-first-page">
            ← First page
          </Link>
        ) : (
          <span />
        )}
        {page.next ? (
          <Link href={queueHref(params, { after: encodeCursor(page.next) })} className={buttonStyles.secondary} data-testid="review-next-page">
            Next page →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
