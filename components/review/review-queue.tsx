import Link from "next/link";
import type { QueueRow } from "@/lib/db/queries/review-queue";
import { formatAge } from "@/lib/format/relative-time";
import { formatCents } from "@/lib/money";
import { workerLabel } from "@/lib/format/worker-label";
import { cardStyles } from "@/components/ui/styles";
import { formatDue, formatDueSpan } from "@/lib/format/relative-time";
import { KindBadge, OverdueBadge } from "./review-kind";

// The queue as a dense table on a desktop and stacked rows on a phone: one element
// per item either way, so a row is one link target and one test id.

const COLS = "lg:grid lg:grid-cols-[8.5rem_minmax(7rem,1fr)_minmax(6rem,1.2fr)_6rem_5.5rem_5.5rem_9.5rem_6.5rem] lg:items-center lg:gap-x-3";

function proposed(row: QueueRow): string {
  const a = row.proposedAction as { type?: string; amountCents?: number; toPlanId?: string; feeCents?: number } | null;
  if (a?.type === "plan_change") return `Plan → ${a.toPlanId}${a.feeCents ? `, fee ${formatCents(a.feeCents)}` : ""}`;
  if (row.kind === "credit_over_limit") return row.amountCents !== null ? `Credit ${formatCents(row.amountCents)}` : row.summary;
  if (row.kind === "low_confidence") return "Confirm or correct the answer";
  if (row.kind === "worker_failure") return "Answer the failed part";
  return row.summary;
}

function ClaimCell({ row, now, viewerId }: { row: QueueRow; now: Date; viewerId: string }) {
  const held = row.claimedById && row.claimExpiresAt && row.claimExpiresAt > now;
  if (!held) return <span className="text-zinc-400 dark:text-zinc-500">Unclaimed</span>;
  const mine = row.claimedById === viewerId;
  return (
    <span className={mine ? "font-medium text-indigo-700 dark:text-indigo-300" : "text-zinc-700 dark:text-zinc-300"} data-testid="review-claim">
      {mine ? "You" : row.claimedByName}
    </span>
  );
}

/** One page of the pending queue: each row links to the item's own page. */
export function ReviewQueue({ rows, now, viewerId }: { rows: QueueRow[]; now: Date; viewerId: string }) {
  return (
    <div className={`${cardStyles} overflow-hidden`}>
      <div className={`hidden border-b border-zinc-200 bg-zinc-50 px-4 py-2 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-950/40 dark:text-zinc-400 ${COLS}`} aria-hidden>
        <span>Kind</span>
        <span>Customer</span>
        <span>Proposed action</span>
        <span>Worker</span>
        <span className="text-right">Confidence</span>
        <span>Waiting</span>
        <span>SLA</span>
        <span>Claimed by</span>
      </div>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="review-queue">
        {rows.map((row) => (
          <li key={row.id} data-testid="review-item" data-review-id={row.id} data-overdue={row.overdue || undefined} className={row.overdue ? "bg-red-50/60 dark:bg-red-950/20" : ""}>
            <Link
              href={`/reviews/${row.id}`}
              className={`relative block px-4 py-3 text-sm transition-colors hover:bg-zinc-50 focus-visible:bg-zinc-50 dark:hover:bg-zinc-800/50 dark:focus-visible:bg-zinc-800/50 ${COLS}`}
              aria-label={`${row.customerName ?? row.customerId}: ${row.summary}`}
            >
              {row.overdue ? <span aria-hidden className="absolute inset-y-0 left-0 w-1 bg-red-500" /> : null}
              <span className="flex items-center gap-2">
                <KindBadge kind={row.kind} />
              </span>
              <span className="mt-1.5 block min-w-0 lg:mt-0" data-testid="review-customer">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{row.customerName ?? "Unknown customer"}</span>{" "}
                <span className="whitespace-nowrap font-mono text-xs text-zinc-500 dark:text-zinc-400">{row.customerId}</span>
              </span>
              <span className="mt-0.5 block truncate text-zinc-700 lg:mt-0 dark:text-zinc-300" data-testid="review-proposed" title={row.summary}>
                {proposed(row)}
              </span>
              {/* On a phone an absent worker or confidence is left out; the table shows a dash. */}
              <span className={`mt-1 mr-3 text-zinc-600 lg:mt-0 lg:mr-0 lg:inline-block dark:text-zinc-400 ${row.worker ? "inline-block" : "hidden"}`}>{row.worker ? workerLabel(row.worker) : "—"}</span>
              <span className={`mr-3 font-mono text-xs tabular-nums text-zinc-600 lg:mr-0 lg:inline-block lg:text-right dark:text-zinc-400 ${row.confidence !== null ? "inline-block" : "hidden"}`}>
                {row.confidence !== null ? row.confidence.toFixed(2) : "—"}
              </span>
              <time className="mt-1 inline-block text-zinc-600 lg:mt-0 dark:text-zinc-400" dateTime={row.createdAt.toISOString()} title={row.createdAt.toISOString()}>
                {formatAge(row.createdAt, now)}
              </time>
              <span className="mt-1 flex items-center gap-2 lg:mt-0" data-testid="review-sla">
                {row.overdue ? <OverdueBadge /> : null}
                <span className={`whitespace-nowrap text-xs tabular-nums ${row.overdue ? "font-medium text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}>
                  {row.overdue ? formatDueSpan(row.dueAt, now) : formatDue(row.dueAt, now)}
                </span>
              </span>
              <span className="mt-1 block text-xs lg:mt-0 lg:text-sm">
                <ClaimCell row={row} now={now} viewerId={viewerId} />
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function EmptyQueue({ filtered }: { filtered: boolean }) {
  return (
    <div className={`${cardStyles} px-6 py-12 text-center`} data-testid="review-queue-empty">
      <h2 className="text-base font-semibold text-zinc-900 dark:text-zinc-100">{filtered ? "Nothing matches these filters" : "No reviews are waiting"}</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {filtered ? "Clear a filter to see more of the queue." : "When an agent proposes something that needs a human, it appears here."}
      </p>
    </div>
  );
}
