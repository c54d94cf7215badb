import type { StoredRunEvent } from "../orchestrator/events";
import type { Plan, ReviewKind, WorkerName } from "../contracts";

// What the chat UI shows for one run, folded from its stored events. Pure and
// idempotent over `seq`, so replaying the log after a reconnect (or receiving an
// event twice) never duplicates anything.

export type WorkerStatus = "running" | "succeeded" | "failed" | "timed_out";

export type ProgressLine = { seq: number; kind: "tool" | "note" | "error"; text: string };

export type WorkerView = {
  taskId: string;
  worker: WorkerName;
  instruction: string;
  status: WorkerStatus;
  attempt: number;
  progress: ProgressLine[];
  summary: string | null;
  confidence: number | null;
  tokens: number | null;
  latencyMs: number | null;
  cacheHit: boolean;
  error: string | null;
};

export type ReviewView = {
  reviewId: string;
  taskId: string;
  kind: ReviewKind;
  summary: string;
  decision: { decision: "approved" | "rejected"; note: string | null } | null;
};

export type RunPhase = "running" | "completed" | "awaiting_review" | "failed";

export type RunView = {
  runId: string;
  /** The customer's message: known locally when sent, else from run_started. */
  input: string;
  plan: Plan | null;
  /** One entry per sub-task, in the order workers started. */
  workers: WorkerView[];
  reviews: ReviewView[];
  /** The streamed reply of the highest attempt seen (a resumed run re-streams). */
  replyAttempt: number;
  replyText: string;
  /** The final reply from run_finished, which wins over the streamed text. */
  finalReply: string | null;
  phase: RunPhase;
  totals: { tokens: number; latencyMs: number } | null;
  errors: { seq: number; message: string; retryable: boolean; taskId: string | null }[];
  lastSeq: number;
};

export function emptyRun(runId: string, input = ""): RunView {
  return { runId, input, plan: null, workers: [], reviews: [], replyAttempt: -1, replyText: "", finalReply: null, phase: "running", totals: null, errors: [], lastSeq: 0 };
}

/** True when no more events are coming for this run (the stream can be closed). */
export function isTerminal(event: StoredRunEvent): boolean {
  // A run-level error that will not be retried leaves the run failed without run_finished.
  return event.type === "run_finished" || (event.type === "error" && !event.taskId && !event.retryable);
}

function updateWorker(run: RunView, taskId: string, fn: (w: WorkerView) => WorkerView): WorkerView[] {
  return run.workers.map((w) => (w.taskId === taskId ? fn(w) : w));
}

/** Folds one stored event into the view; events at or below `lastSeq` are ignored. */
export function applyEvent(run: RunView, e: StoredRunEvent): RunView {
  if (e.seq <= run.lastSeq) return run;
  const next: RunView = { ...run, lastSeq: e.seq };
  switch (e.type) {
    case "run_started":
      // A resumed attempt is running again, whatever an earlier retryable error said.
      return { ...next, input: run.input || e.input, phase: run.phase === "failed" ? "running" : run.phase };
    case "plan":
      return { ...next, plan: e.plan };
    case "worker_started": {
      const known = run.workers.find((w) => w.taskId === e.taskId);
      const fresh: WorkerView = {
        taskId: e.taskId, worker: e.worker, instruction: e.instruction, status: "running", attempt: e.attempt,
        progress: known?.progress ?? [], summary: null, confidence: null, tokens: null, latencyMs: null, cacheHit: false, error: null,
      };
      if (known && e.attempt > 1) fresh.progress = [...fresh.progress, { seq: e.seq, kind: "note", text: `Retrying (attempt ${e.attempt})` }];
      return { ...next, workers: known ? updateWorker(run, e.taskId, () => fresh) : [...run.workers, fresh] };
    }
    case "tool_call":
      return { ...next, workers: updateWorker(run, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "tool", text: e.tool }] })) };
    case "tool_result":
      if (!e.isError) return next;
      return { ...next, workers: updateWorker(run, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "error", text: `${e.tool} returned an error` }] })) };
    case "worker_partial":
      return { ...next, workers: updateWorker(run, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "note", text: e.text }] })) };
    case "worker_finished":
      return {
        ...next,
        workers: updateWorker(run, e.taskId, (w) => ({
          ...w,
          status: e.outcome,
          attempt: e.attempt,
          summary: e.summary || null,
          confidence: e.confidence,
          tokens: e.tokensIn + e.tokensOut,
          latencyMs: e.latencyMs,
          cacheHit: e.cacheHit,
          error: e.error ?? null,
        })),
      };
    case "review_requested":
      if (run.reviews.some((r) => r.reviewId === e.reviewId)) return next;
      return { ...next, reviews: [...run.reviews, { reviewId: e.reviewId, taskId: e.taskId, kind: e.kind, summary: e.summary, decision: null }] };
    case "review_decided":
      return { ...next, reviews: run.reviews.map((r) => (r.reviewId === e.reviewId ? { ...r, decision: { decision: e.decision, note: e.note } } : r)) };
    case "message_delta":
      if (e.attempt < run.replyAttempt) return next;
      if (e.attempt > run.replyAttempt) return { ...next, replyAttempt: e.attempt, replyText: e.delta };
      return { ...next, replyText: run.replyText + e.delta };
    case "run_finished":
      return { ...next, finalReply: e.reply, phase: e.status, totals: { tokens: e.tokensIn + e.tokensOut, latencyMs: e.latencyMs } };
    case "error": {
      const errors = [...run.errors, { seq: e.seq, message: e.message, retryable: e.retryable, taskId: e.taskId ?? null }];
      return { ...next, errors, phase: isTerminal(e) ? "failed" : next.phase };
    }
  }
}

export function applyEvents(run: RunView, events: readonly StoredRunEvent[]): RunView {
  return events.reduce(applyEvent, run);
}

/** The reply text to show: the final one once the run has finished, else what has streamed. */
export function replyOf(run: RunView): string {
  return run.finalReply ?? run.replyText;
}
