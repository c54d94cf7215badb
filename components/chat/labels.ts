import { workerTitle } from "@/lib/workers/registry";

// Display names for the engine's identifiers. Worker titles come from the worker
// registry (its worker files are plain data, safe in the browser bundle). Review kinds
// are labelled in components/review/review-kind.tsx, run and worker statuses in
// components/status/run-status.ts.

/** A worker's display name, from its definition. */
export function workerLabel(name: string): string {
  return workerTitle(name);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
