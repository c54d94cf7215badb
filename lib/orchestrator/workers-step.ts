import { isoDay } from "../clock";
import type { Run } from "../generated/prisma/client";
import type { WorkerResult } from "../contracts";
import type { EngineDeps } from "./deps";
import type { NewRunEvent } from "./events";
import { deadlineSignal, type SubTask } from "../contracts";
import type { Tx } from "../db/client";
import { fenceTransaction, isLeaseLost } from "../db/run-lease";
import { runWorkerAttempt, type AttemptContext, type ObservedToolResult } from "./invoke-worker";
import { cacheKey, takeCachedResult, writeCachedResult } from "./worker-cache";
import { sideEffectToolNames } from "../tools/registry";
import { awaitTaskEffects } from "../tools/ledger";
import { findWorker } from "../workers/registry";
import { reviewKindEnabled } from "./settings";
import { inSpan, markSpanFailed } from "../telemetry/tracing";
import { appliedEffects, finishInvocation, recordCachedInvocation, recordModelCall, requestReviewItem, startInvocation, taskStartState, type NewReviewItem } from "./store";
import { sleep } from "../backoff";

export type TaskOutcome =
  | { task: SubTask; ok: true; result: WorkerResult; cacheHit: boolean }
  /**
   * `done`: what this task's tool calls did before it failed, from the ledger, in the
   * customer's words. `unconfirmed`: an effect of the task was still committing when the
   * part had to be reported (the ledger could not say yet).
   */
  | { task: SubTask; ok: false; error: string; done: string[]; unconfirmed?: boolean };

/** The run's event writer; `recordToolCall` (AttemptContext) when it can also write a tool call's row with its events. */
type Emit = ((e: NewRunEvent) => Promise<void>) & Pick<AttemptContext, "recordToolCall">;

function isAbort(err: unknown) {
  const e = err as { name?: string };
  return e?.name === "AbortError" || e?.name === "TimeoutError";
}

type ReviewRequest = Omit<NewReviewItem, "runId" | "taskId" | "customerId">;

/** How long a failed task waits for an effect still committing before its part is reported (then said to be unconfirmed). */
const TASK_EFFECTS_WAIT_MS = 30_000;

/** Creates a review item once per (run, task, kind) and announces it when it is new. */
async function requestReview(deps: EngineDeps, run: Run, task: SubTask, request: ReviewRequest, emit: Emit) {
  const { item, created } = await deps.db.$transaction(async (tx) => {
    await fenceTransaction(tx, deps.lease!);
    return requestReviewItem(tx, { runId: run.id, taskId: task.id, customerId: run.customerId, ...request });
  });
  if (created) await emit({ type: "review_requested", reviewId: item.id, taskId: task.id, kind: request.kind, summary: request.summary });
}

/** The reviews a worker's result asks for: what tools asked for (credit over the limit, downgrade with a fee), or low confidence. */
function reviewRequestsFor(deps: EngineDeps, task: SubTask, result: WorkerResult, tools: ObservedToolResult[]): ReviewRequest[] {
  const requests: ReviewRequest[] = [];
  for (const t of tools) {
    const v = t.result;
    if (v?.status !== "needs_approval" || !v.reviewKind) continue;
    requests.push({
      kind: v.reviewKind, summary: v.reason ?? `${t.tool} needs approval`, proposedAction: v.proposedAction,
      context: { task, tool: t.tool, args: t.args, toolResult: v, workerSummary: result.summary },
    });
  }
  const worker = findWorker(deps.workers, task.worker);
  const threshold = worker?.confidenceThreshold ?? 1;
  if (!requests.length && result.confidence < threshold && reviewKindEnabled(deps, "low_confidence")) {
    requests.push({
      kind: "low_confidence",
      summary: `${worker?.title ?? task.worker} answer below confidence threshold (${result.confidence.toFixed(2)} < ${threshold})`,
      proposedAction: null, context: { task, result, toolResults: tools },
    });
  }
  return requests;
}

/**
 * Stores a worker's success and the review items it asks for in one transaction: a
 * process that dies right after can never leave a result whose review nobody will see
 * (a resumed run reuses the stored result and does not ask again). Then announces both.
 */
async function recordSuccess(
  deps: EngineDeps,
  run: Run,
  task: SubTask,
  reviews: ReviewRequest[],
  emit: Emit,
  store: (tx: Tx) => Promise<unknown>,
  finished: NewRunEvent,
) {
  const created = await deps.db.$transaction(async (tx) => {
    await fenceTransaction(tx, deps.lease!);
    await store(tx);
    const items = [];
    for (const r of reviews) {
      const { item, created } = await requestReviewItem(tx, { runId: run.id, taskId: task.id, customerId: run.customerId, ...r });
      if (created) items.push(item);
    }
    return items;
  });
  await deps.onBoundary?.(`worker_succeeded:${task.worker}`, run.id);
  await emit(finished);
  for (const item of created) await emit({ type: "review_requested", reviewId: item.id, taskId: task.id, kind: item.kind, summary: item.summary });
}

function workerSpanAttributes(run: Run, task: SubTask, attempt: number) {
  return { "switchboard.run.id": run.id, "switchboard.worker": task.worker, "switchboard.task.id": task.id, "switchboard.attempt": attempt };
}

/**
 * One sub-task end to end: cache, 1 + the worker's retries attempts, each under its timeout
 * (with backoff between), then either a result or a recorded failure with a review
 * item carrying the full context.
 */
export async function runTask(deps: EngineDeps, run: Run, task: SubTask, emit: Emit, signal: AbortSignal): Promise<TaskOutcome> {
  const key = cacheKey(task.worker, run.customerId, task.instruction, isoDay(deps.clock.now()));
  const state = await taskStartState(deps.db, { runId: run.id, taskId: task.id, customerId: run.customerId, cacheKey: key });
  const prior = state.prior;
  // A resumed run reuses what already finished before the crash.
  if (prior?.output) return { task, ok: true, result: prior.output as WorkerResult, cacheHit: prior.cacheHit };
  // A task that failed for good before the crash was handed to a person (its
  // worker_failure item), and the reply may already say so: a resumed run does not try
  // it again behind their back (an effect the reply denies). It reports the same failure,
  // with what the ledger holds now. Only a reviewer's retry (its lease names the item)
  // runs such a task again.
  if (state.failure && !deps.lease?.reviewId) {
    const applied = await appliedEffects(deps.db, { runId: run.id, taskId: task.id });
    return {
      task, ok: false, error: state.failure.errors.join("; ") || "failed before the run was resumed",
      done: applied.flatMap((a) => a.statement ?? []), ...(state.failure.unconfirmed ? { unconfirmed: true } : {}),
    };
  }

  const worker = findWorker(deps.workers, task.worker);
  if (!worker) {
    // A worker the run's settings turn off, or a plan stored before a worker was removed
    // from the registry: say so, never guess; a person answers this part.
    const error = deps.disabledWorkers?.includes(task.worker)
      ? `the ${task.worker} worker is turned off in the settings`
      : `no worker named "${task.worker}" is registered`;
    await emit({ type: "error", taskId: task.id, message: error, retryable: false });
    await requestReview(deps, run, task, { kind: "worker_failure", summary: error, proposedAction: null, context: { task, errors: [error], customerId: run.customerId, toolCalls: [] } }, emit);
    return { task, ok: false, error, done: [] };
  }

  const { versions, lastAttempt } = state;
  const cached = await takeCachedResult(deps.db, key, state.cached, versions);
  if (cached) {
    const attempt = lastAttempt + 1;
    return inSpan("switchboard.worker", { ...workerSpanAttributes(run, task, attempt), "switchboard.worker.cache_hit": true, "switchboard.worker.outcome": "succeeded" }, async () => {
      await emit({ type: "worker_started", taskId: task.id, worker: task.worker, attempt, instruction: task.instruction });
      await recordSuccess(deps, run, task, reviewRequestsFor(deps, task, cached, []), emit,
        (tx) => recordCachedInvocation(tx, { runId: run.id, task, attempt, result: cached }),
        { type: "worker_finished", taskId: task.id, worker: task.worker, outcome: "succeeded", attempt, summary: cached.summary, confidence: cached.confidence, cacheHit: true, tokensIn: 0, tokensOut: 0, latencyMs: 0 });
      return { task, ok: true as const, result: cached, cacheHit: true };
    });
  }

  const errors: string[] = [];
  const attempts = 1 + worker.retries;
  for (let i = 0; i < attempts; i++) {
    const attempt = lastAttempt + 1 + i;
    if (i > 0) await sleep(deps.retryBackoffMs * i);
    const succeeded = await inSpan("switchboard.worker", workerSpanAttributes(run, task, attempt), async (span): Promise<TaskOutcome | null> => {
      const started = Date.now();
      const inv = await startInvocation(deps.db, { lease: deps.lease!, task, attempt });
      await emit({ type: "worker_started", taskId: task.id, worker: task.worker, attempt, instruction: task.instruction });
      // A timer the attempt holds and clears (./contracts/abort: not AbortSignal.timeout).
      const deadline = deadlineSignal(signal, worker.timeoutMs);
      const attemptSignal = deadline.signal;
      try {
        const out = await runWorkerAttempt(deps, { worker, runId: run.id, customerId: run.customerId, customerMessage: run.input, task, invocationId: inv.id, firstAttempt: attempt === 1, signal: attemptSignal, emit, recordToolCall: emit.recordToolCall });
        const latencyMs = Date.now() - started;
        await recordSuccess(deps, run, task, reviewRequestsFor(deps, task, out.result, out.toolResults), emit, async (tx) => {
          await finishInvocation(tx, inv.id, "succeeded", {
            output: out.result as object, confidence: out.result.confidence, model: out.model, tokensIn: out.tokensIn, tokensOut: out.tokensOut, latencyMs,
          }, deps.lease!);
          await recordModelCall(tx, deps.lease!, { role: task.worker, invocationId: inv.id, model: out.model, tokensIn: out.tokensIn, tokensOut: out.tokensOut, latencyMs });
        }, { type: "worker_finished", taskId: task.id, worker: task.worker, outcome: "succeeded", attempt, summary: out.result.summary, confidence: out.result.confidence, cacheHit: false, tokensIn: out.tokensIn, tokensOut: out.tokensOut, latencyMs });
        if (!out.toolResults.some((t) => sideEffectToolNames.has(t.tool)) && out.result.status !== "refused") {
          await writeCachedResult(deps.db, { key, worker: task.worker, customerId: run.customerId, versions, result: out.result });
        }
        span.setAttributes({ "switchboard.worker.outcome": "succeeded", "switchboard.worker.confidence": out.result.confidence, "switchboard.worker.model": out.model });
        return { task, ok: true, result: out.result, cacheHit: false };
      } catch (err) {
        if (signal.aborted || isLeaseLost(err)) throw err; // the run itself is being stopped, or is no longer ours
        // The attempt's own deadline passed (whatever a tool call reports it as).
        const timedOut = isAbort(err) || attemptSignal.aborted;
        const message = timedOut ? `timed out after ${worker.timeoutMs} ms` : (err as Error).message ?? String(err);
        errors.push(`attempt ${attempt}: ${message}`);
        const latencyMs = Date.now() - started;
        await finishInvocation(deps.db, inv.id, timedOut ? "timed_out" : "failed", { error: message, latencyMs }, deps.lease!);
        await emit({ type: "worker_finished", taskId: task.id, worker: task.worker, outcome: timedOut ? "timed_out" : "failed", attempt, summary: "", confidence: null, cacheHit: false, tokensIn: 0, tokensOut: 0, latencyMs, error: message });
        await emit({ type: "error", taskId: task.id, message: `${worker.title} worker ${message}`, retryable: i < attempts - 1 });
        span.setAttribute("switchboard.worker.outcome", timedOut ? "timed_out" : "failed");
        markSpanFailed(span, message);
        return null;
      } finally {
        deadline.clear();
      }
    });
    if (succeeded) return succeeded;
  }
  // An attempt may have committed an effect before it failed (its next call hung, its
  // own bookkeeping failed), or may still be committing one (an attempt's deadline can
  // pass during its COMMIT): wait until none of the task's effects is in flight, then
  // the ledger says what this task did, and both the reply and the person reviewing the
  // failure are told, so "couldn't complete" never hides it. The reply follows the
  // ledger, not the timer. Past the wait the outcome is unknown and said to be.
  const settled = await awaitTaskEffects(deps.db, run.id, task.id, TASK_EFFECTS_WAIT_MS);
  const [toolCalls, applied] = await Promise.all([
    deps.db.toolCall.findMany({ where: { runId: run.id, invocation: { taskId: task.id } }, orderBy: { createdAt: "asc" } }),
    appliedEffects(deps.db, { runId: run.id, taskId: task.id }),
  ]);
  const done = applied.flatMap((a) => a.statement ?? []);
  await requestReview(deps, run, task, {
    kind: "worker_failure",
    summary: `${worker.title} worker failed ${attempts === 1 ? "once" : attempts === 2 ? "twice" : `${attempts} times`}: ${errors.at(-1)}${done.length ? ` (after ${applied.map((a) => a.tool).join(", ")} took effect)` : ""}${settled ? "" : " (an action was still being committed: check the ledger)"}`,
    proposedAction: null,
    context: { task, errors, customerId: run.customerId, toolCalls: toolCalls.map((t) => ({ tool: t.tool, args: t.args, result: t.result, isError: t.isError })), applied, ...(settled ? {} : { unconfirmed: true }) },
  }, emit);
  return { task, ok: false, error: errors.join("; "), done, ...(settled ? {} : { unconfirmed: true }) };
}
