import type { ReviewKind } from "@/lib/contracts";

// The one wording of each kind of review item, wherever it is shown (the queue, its
// filters, the chat's agent panel, the audit record and timeline). A Record over the
// union: a new kind is a type error here until it has a label and a tone.
export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
  credit_over_limit: "Credit over limit",
  downgrade_fee: "Downgrade with a fee",
  low_confidence: "Low confidence",
  worker_failure: "Worker failure",
  handoff: "Wants a person",
};

/** The kind's label inside a sentence ("Waiting for a specialist: credit over limit"). */
export function reviewKindInSentence(kind: ReviewKind): string {
  const label = REVIEW_KIND_LABELS[kind];
  return label.charAt(0).toLowerCase() + label.slice(1);
}

const KIND_TONES: Record<ReviewKind, string> = {
  credit_over_limit: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900",
  downgrade_fee: "bg-violet-50 text-violet-800 ring-violet-200 dark:bg-violet-950/50 dark:text-violet-300 dark:ring-violet-900",
  low_confidence: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950/50 dark:text-sky-300 dark:ring-sky-900",
  worker_failure: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950/50 dark:text-red-300 dark:ring-red-900",
  handoff: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-900",
};

export function KindBadge({ kind }: { kind: ReviewKind }) {
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${KIND_TONES[kind]}`} data-testid="review-kind">
      {REVIEW_KIND_LABELS[kind]}
    </span>
  );
}

/** "in 3 h 20 min" / "12 min overdue": the SLA as a reviewer reads it. */
export function OverdueBadge() {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-red-600 px-2 py-0.5 text-[11px] font-semibold uppercase tracking-wide text-white dark:bg-red-500" data-testid="review-overdue">
      Overdue
    </span>
  );
}
