import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Forbidden } from "@/components/auth/forbidden";
import { LiveQueueRefresh } from "@/components/review/live-queue";
import { ClaimPanel, ReviewDecisionForm } from "@/components/review/review-decision-form";
import {
  AccountFactsSection, PlanSection, PolicyRuleSection, ProposedActionSection, Section, WorkerSection,
} from "@/components/review/review-detail-sections";
import { KindBadge, OverdueBadge } from "@/components/review/review-kind";
import { formatDue } from "@/lib/format/relative-time";
import { RunTimeline } from "@/components/runs/run-timeline";
import { cardStyles } from "@/components/ui/styles";
import { isoDay } from "@/lib/clock";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { listRunTimeline } from "@/lib/db/queries/run-timeline";
import { formatCents } from "@/lib/money";
import { loadReviewDetail } from "@/lib/reviews/review-detail";
import { getEngine, getSettingsSource } from "@/lib/server/app-process";

export const metadata: Metadata = { title: "Review item" };

// Reviewers and admins decide here; auditors read the same page without the controls.
const READERS = [...AREA_ROLES.reviews, "auditor"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RESOLUTIONS: Record<string, string> = {
  approve: "Approved",
  reject: "Rejected",
  send_draft: "Sent the worker's draft",
  send_edited: "Sent an edited answer",
  send_written: "Sent a written answer",
  retry: "Retried the part; sent the worker's answer",
};

export default async function ReviewItemPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await requireRole(READERS, `/reviews/${id}`);
  if (!access.ok) return <Forbidden staff={access.staff} area="reviews" />;
  if (!UUID.test(id)) notFound();
  const engine = getEngine();
  const { settings } = await getSettingsSource().current();
  const now = new Date();
  const d = await loadReviewDetail({ db: engine.db, reviewId: id, settings, today: isoDay(engine.clock.now()), now });
  if (!d) notFound();
  const timeline = await listRunTimeline({ db: engine.db, runId: d.run.id });
  const canDecide = (AREA_ROLES.reviews as readonly string[]).includes(access.staff.role);
  const mine = d.claim?.byId === access.staff.id;
  const overdue = d.status === "pending" && d.dueAt < now;
  const actionLabel =
    d.proposed.action?.type === "credit"
      ? `credit ${formatCents(d.proposed.action.amountCents)}`
      : d.proposed.action?.type === "plan_change"
        ? `change plan to ${d.proposed.action.toPlanId}`
        : null;

  return (
    <div data-color-scheme="auto" data-testid="review-detail" data-review-id={d.id} data-status={d.status}>
      <LiveQueueRefresh />
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <Link href="/reviews" className="text-zinc-600 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-zinc-100">
          ← Review queue
        </Link>
      </nav>
      <header className="mb-6 border-b border-zinc-200 pb-5 dark:border-zinc-800">
        <div className="flex flex-wrap items-center gap-2">
          <KindBadge kind={d.kind} />
          {overdue ? <OverdueBadge /> : null}
          <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="review-detail-sla">
            {d.status === "pending" ? formatDue(d.dueAt, now) : `${d.status === "withdrawn" ? "withdrawn" : "decided"} ${d.decided?.at?.toISOString().slice(0, 16).replace("T", " ") ?? ""} UTC`}
          </span>
        </div>
        <h1 className="mt-2 text-xl font-semibold tracking-tight text-zinc-900 sm:text-2xl dark:text-zinc-50">
          {d.customer.name ?? "Unknown customer"} <span className="font-mono text-base font-normal text-zinc-500 dark:text-zinc-400">{d.customer.id}</span>
        </h1>
        <p className="mt-1 text-sm leading-6 text-zinc-700 dark:text-zinc-300" data-testid="review-summary">{d.summary}</p>
      </header>

      <div className="grid grid-cols-[minmax(0,1fr)] gap-5 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="order-2 min-w-0 space-y-5 lg:order-1">
          <Section title="Customer's message" testId="review-message">
            <p className="whitespace-pre-wrap text-sm leading-6 text-zinc-900 dark:text-zinc-100">{d.run.input}</p>
          </Section>
          <PlanSection plan={d.run.plan} />
          <WorkerSection d={d} />
          {d.run.reply ? (
            <Section title="Reply the customer got" testId="review-reply-sent">
              <p className="whitespace-pre-wrap text-sm leading-6 text-zinc-700 dark:text-zinc-300">{d.run.reply}</p>
            </Section>
          ) : null}
          <Section title="Run timeline" testId="review-timeline" aside={<span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{d.run.id.slice(0, 8)} · {d.run.status.replace("_", " ")}</span>}>
            <RunTimeline rows={timeline} highlightTaskId={d.taskId} />
          </Section>
        </div>

        <aside className="order-1 min-w-0 space-y-5 lg:order-2">
          <section className={`${cardStyles} p-4 sm:p-5`} aria-labelledby="decision-h" data-testid="review-decision">
            <h2 id="decision-h" className="mb-3 text-sm font-semibold text-zinc-900 dark:text-zinc-100">Decision</h2>
            {d.decided && d.status === "withdrawn" ? (
              <div className="text-sm" data-testid="review-decided">
                <p className="font-medium text-zinc-900 dark:text-zinc-100">Withdrawn by the customer</p>
                <p className="mt-1 text-zinc-700 dark:text-zinc-300">
                  They took the request back before anyone decided it, so nothing was carried out. In their words:
                </p>
                {d.decided.note ? (
                  <blockquote className="mt-1 border-l-2 border-zinc-300 pl-3 text-zinc-900 dark:border-zinc-600 dark:text-zinc-100" data-testid="review-withdrawn-words">
                    {d.decided.note}
                  </blockquote>
                ) : null}
              </div>
            ) : d.decided ? (
              <div className="text-sm" data-testid="review-decided">
                <p className="font-medium text-zinc-900 dark:text-zinc-100">
                  {RESOLUTIONS[d.decided.resolution ?? ""] ?? d.status} by {d.decided.by}
                </p>
                {d.decided.note ? <p className="mt-1 text-zinc-700 dark:text-zinc-300">Note: {d.decided.note}</p> : null}
                {d.decided.reply ? <p className="mt-1 text-zinc-700 dark:text-zinc-300">Sent: {d.decided.reply}</p> : null}
              </div>
            ) : !canDecide ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="review-read-only">
                Pending{d.claim ? `, held by ${d.claim.byName}` : ""}. Your role ({access.staff.role}) may read this item but not decide it.
              </p>
            ) : (
              <div className="space-y-4">
                <ClaimPanel
                  reviewId={d.id}
                  version={d.version}
                  claim={d.claim ? { byName: d.claim.byName, mine, until: d.claim.until.toISOString() } : null}
                  isAdmin={access.staff.role === "admin"}
                />
                {mine ? (
                  <div className="border-t border-zinc-100 pt-4 dark:border-zinc-800">
                    <ReviewDecisionForm reviewId={d.id} version={d.version} kind={d.kind} draft={d.draft} actionLabel={actionLabel} canRetry={d.decisions.includes("retry") && d.task.instruction !== null} />
                  </div>
                ) : null}
              </div>
            )}
          </section>
          <ProposedActionSection d={d} />
          <PolicyRuleSection d={d} />
          <AccountFactsSection d={d} />
        </aside>
      </div>
    </div>
  );
}
