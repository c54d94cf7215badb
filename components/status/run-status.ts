import type { RunStatus } from "@/lib/contracts";
import type { WorkerStatus } from "@/lib/chat/ui-stream";

// How a status looks wherever it is shown: the audit list's badge, the chat's agent
// panel and each worker's card. One tone per meaning (waiting, at work, done, needs a
// person, failed), so a run and its workers read alike on every page. Each tone's
// text on its own background passes WCAG AA (4.5:1) in light and dark mode.

const TONES = {
  waiting: "bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
  working: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900",
  done: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900",
  attention: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900",
  failed: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900",
} as const;

/** The pulsing dot beside a status that is at work (decorative). */
export const WORKING_DOT = "bg-sky-500";

export type StatusStyle = { label: string; tone: string };

export const RUN_STATUS_STYLES: Record<RunStatus, StatusStyle> = {
  queued: { label: "Queued", tone: TONES.waiting },
  running: { label: "Running", tone: TONES.working },
  awaiting_review: { label: "Awaiting review", tone: TONES.attention },
  completed: { label: "Completed", tone: TONES.done },
  failed: { label: "Failed", tone: TONES.failed },
};

/** A worker's part of a run; "queued" until its first attempt starts. */
export const WORKER_STATUS_STYLES: Record<WorkerStatus | "queued", StatusStyle> = {
  queued: { label: "Queued", tone: TONES.waiting },
  running: { label: "Running", tone: TONES.working },
  succeeded: { label: "Succeeded", tone: TONES.done },
  timed_out: { label: "Timed out", tone: TONES.attention },
  failed: { label: "Failed", tone: TONES.failed },
};
