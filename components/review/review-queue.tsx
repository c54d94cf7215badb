import type { PendingReview } from "@/lib/db/queries/reviews";
import { formatAge } from "@/lib/format/relative-time";
import { cardStyles } from "@/components/ui/styles";
import { ReviewDecisionForm } from "./review-decision-form";

const KIND_LABELS: Record<string, { label: string; tone: string }> = {
  credit_over_limit: { label: "Credit over limit", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  downgrade_fee: { label: "Downgrade with fee", tone: "bg-violet-50 text-violet-800 ring-violet-200" },
  low_confidence: { label: "Low confidence", tone: "bg-sky-50 text-sky-800 ring-sky-200" },
  worker_failure: { label: "Worker failure", tone: "bg-red-50 text-red-800 ring-red-200" },
};

function KindBadge({ kind }: { kind: string }) {
  const k = KIND_LABELS[kind] ?? { label: kind, tone: "bg-zinc-100 text-zinc-700 ring-zinc-200" };
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${k.tone}`} data-testid="review-kind">
      {k.label}
    </span>
  );
}

/** The pending review items, oldest first, each with its decision form. */
export function ReviewQueue({ items, now }: { items: PendingReview[]; now: Date }) {
  if (items.length === 0) {
    return (
      <div className={`${cardStyles} px-6 py-12 text-center`} data-testid="review-queue-empty">
        <h2 className="text-base font-semibold text-zinc-900">No reviews are waiting</h2>
        <p className="mt-1 text-sm text-zinc-600">When an agent proposes something that needs a human, it appears here.</p>
      </div>
    );
  }
  return (
    <ul className="space-y-4" data-testid="review-queue">
      {items.map((item) => (
        <li key={item.id} className={`${cardStyles} p-5`} data-testid="review-item" data-review-id={item.id}>
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <KindBadge kind={item.kind} />
            <span className="text-sm font-medium text-zinc-900" data-testid="review-customer">
              {item.customerName ?? "Unknown customer"} <span className="font-normal text-zinc-500">({item.customerId})</span>
            </span>
            <time className="ml-auto text-xs text-zinc-500" dateTime={item.createdAt.toISOString()} title={item.createdAt.toISOString()}>
              waiting {formatAge(item.createdAt, now)}
            </time>
          </div>
          <p className="mt-3 text-sm leading-6 text-zinc-800" data-testid="review-summary">
            {item.summary}
          </p>
          {item.proposedAction != null ? (
            <details className="mt-3 text-sm">
              <summary className="cursor-pointer font-medium text-zinc-700">Proposed action</summary>
              <pre className="mt-2 overflow-x-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200">
                {JSON.stringify(item.proposedAction, null, 2)}
              </pre>
            </details>
          ) : null}
          <ReviewDecisionForm reviewId={item.id} />
        </li>
      ))}
    </ul>
  );
}
