import type { ReviewKind, WorkerName } from "@/lib/orchestrator/events";

// Display names for the engine's identifiers. Records over the engine's unions, so a
// new worker or review kind is a type error here until it has a label.

export const WORKER_LABELS: Record<WorkerName, string> = {
  billing: "Billing",
  tech_support: "Technical support",
  account: "Account management",
};

export const REVIEW_LABELS: Record<ReviewKind, string> = {
  credit_over_limit: "credit over limit",
  downgrade_fee: "downgrade with a fee",
  low_confidence: "low confidence",
  worker_failure: "worker failure",
};

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
