const TONES: Record<string, { label: string; tone: string }> = {
  queued: { label: "Queued", tone: "bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700" },
  running: { label: "Running", tone: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900" },
  awaiting_review: { label: "Awaiting review", tone: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900" },
  completed: { label: "Completed", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900" },
  failed: { label: "Failed", tone: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900" },
};

/** A run's status as a small pill. */
export function RunStatusBadge({ status }: { status: string }) {
  const t = TONES[status] ?? { label: status, tone: TONES.queued.tone };
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${t.tone}`} data-testid="run-status">
      {t.label}
    </span>
  );
}

export const OUTCOME_LABELS: Record<string, string> = {
  delegate: "Delegated",
  small_talk: "Small talk",
  out_of_scope: "Declined",
  none: "No plan",
};
