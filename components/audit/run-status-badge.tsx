import { RUN_STATUS_STYLES } from "@/components/status/run-status";
import type { RunStatus } from "@/lib/contracts";

/** A run's status as a small pill. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  const t = RUN_STATUS_STYLES[status];
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
  handoff: "Handed to a person",
  none: "No plan",
};
