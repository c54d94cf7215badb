import type { ReviewKind } from "@/lib/contracts";

export const KIND_LABELS: Record<ReviewKind, { label: string; tone: string }> = {
  credit_over_limit: { label: "Credit over limit", tone: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-300 dark:ring-amber-900" },
  downgrade_fee: { label: "Downgrade with fee", tone: "bg-violet-50 text-violet-800 ring-violet-200 dark:bg-violet-950/50 dark:text-violet-300 dark:ring-violet-900" },
  low_confidence: { label: "Low confidence", tone: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950/50 dark:text-sky-300 dark:ring-sky-900" },
  worker_failure: { label: "Worker failure", tone: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950/50 dark:text-red-300 dark:ring-red-900" },
};

export function KindBadge({ kind }: { kind: ReviewKind }) {
  const k = KIND_LABELS[kind];
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${k.tone}`} data-testid="review-kind">
      {k.label}
    </span>
  );
}

/** "in 3 h 20 min" / "12 min overdue": the SLA as a reviewer reads it. */
export function formatDue(due: Date, now: Date): string {
  const mins = Math.round((due.getTime() - now.getTime()) / 60_000);
  const span = (m: number) => (m >= 60 * 24 ? `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h` : m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`);
  return mins < 0 ? `${span(-mins)} overdue` : `due in ${span(mins)}`;
}

export function OverdueBadge() {
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-red-600 px-2 py-0.5 text-[11px] font-semibold uppercase tracking-wide text-white dark:bg-red-500" data-testid="review-overdue">
      Overdue
    </span>
  );
}
