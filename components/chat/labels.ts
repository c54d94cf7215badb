import type { ReviewKind } from "@/lib/contracts";
import { workerTitle } from "@/lib/workers/registry";

// Display names for the engine's identifiers. Worker titles come from the worker
// registry (its worker files are plain data, safe in the browser bundle); review
// kinds are a Record over the union, so a new kind is a type error here until it
// has a label.

/** A worker's display name, from its definition. */
export function workerLabel(name: string): string {
  return workerTitle(name);
}

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
