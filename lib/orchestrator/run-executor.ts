import type { Run } from "../generated/prisma/client";
import { DECLINE_REPLY } from "../contracts";
import { withTransientRetry } from "../db/transient";
import { fenceTransaction, isLeaseLost, type RunLease } from "../db/run-lease";
import { runLogger } from "../log";
import { inRunTrace, inSpan, markSpanFailed, spanIds, telemetryOn } from "../telemetry/tracing";
import type { EngineDeps } from "./deps";
import { type NewRunEvent } from "./events";
import { planSchema, type Plan } from "../contracts";
import { advanceStep, appendEvent, appendEvents, appliedEffects, claimRun, closeAbandonedInvocations, countPendingReviews, finishRun, getRun, pinSettingsVersion, recordModelCall, recordRunTrace, releaseLease, renewLease, requestReviewItem, RunStoreError, type ToolCallRow } from "./store";
import { depsUnderSettings } from "./settings";
import { loadConversationContext } from "./conversation-context";
import { planMessage } from "./supervisor";
import { composeReply, OutcomeFeed } from "./synthesis-lane";
import { runTask, type TaskOutcome } from "./workers-step";
import { withdrawAndAdvance, withdrawalReply } from "./withdrawals";
import { handOff, handoffEnabled, handoffReply, NO_ONE_REPLY } from "./handoff";

export type DriveResult = "completed" | "awaiting_review" | "failed" | "lease_lost" | "not_claimed";

const MAX_ATTEMPTS = 3;
export const FAILED_REPLY =
  "I'm sorry: something went wrong on our side and I couldn't finish handling your message. A member of our team has the details and will follow up with you.";

/** The reply of a run that failed for good; `done`: what its tool calls did before that (the ledger's statements). */
export function failedReply(done: string[]): string {
  if (!done.length) return FAILED_REPLY;
  return `I'm sorry: something went wrong on our side and I couldn't finish handling your message, but this much is done: ${done.join(" ")} A member of our team has the details and will follow up with you on the rest.`;
}

/** The run's event writer for one executor: every event is stored only while its lease is current. */
function emitterFor(deps: EngineDeps, lease: RunLease) {
  const { runId } = lease;
  const emit = async (event: NewRunEvent) => {
    // One statement (the seq and the row together): a dropped connection rolls it back
    // whole, so trying again on a fresh connection cannot leave a gap.
    const stored = await withTransientRetry(() => appendEvent(deps.db, runId, event, new Date(), { lease }), { what: `storing the ${event.type} event` });
    deps.bus?.publish(runId, stored);
  };
  // A tool call's row and the events announcing its answer: one statement too.
  const recordToolCall = async (row: ToolCallRow, events: NewRunEvent[]) => {
    const stored = await withTransientRetry(() => appendEvents(deps.db, runId, events, new Date(), { toolCall: row, lease }), { what: `recording the ${row.tool} call` });
    for (const e of stored) deps.bus?.publish(runId, e);
  };
  return Object.assign(emit, { recordToolCall });
}

/** Claims a queued (or abandoned) run and executes it to its end. */
export async function startRun(deps: EngineDeps, runId: string): Promise<DriveResult> {
  const epoch = await claimRun(deps.db, runId, deps.owner, deps.leaseMs, new Date());
  if (epoch === null) return "not_claimed";
  return driveRun(deps, runId, epoch);
}

// The runs this process is driving right now, so that its own recovery loop never
// claims one of them again: the lease guards against other processes, this against a
// second drive in the same process after a late renewal. One set per process, not per
// module instance: a Next.js build can load this module several times in one process
// (the instrumentation chunk, the route chunks, the server-rendering chunk), and the
// recovery loop must see the runs a route started.
const DRIVING = Symbol.for("switchboard.runsDriven");
const processState = globalThis as unknown as { [DRIVING]?: Map<string, Set<string>> };
const driving = (processState[DRIVING] ??= new Map<string, Set<string>>());

/** The ids of the runs `owner` is executing in this process. */
export function runsDrivenBy(owner: string): string[] {
  return [...(driving.get(owner) ?? [])];
}

/**
 * Executes a run under the lease its claim got (`epoch`), from its last completed step:
 * created → planned → workers_done → synthesized → finished. Each step's result is
 * persisted with a compare-and-set on the step before the next one starts, so a
 * process killed anywhere resumes from the last completed step; every write is
 * conditional on the lease, so a process that stalled and was replaced writes nothing more.
 */
export async function driveRun(engineDeps: EngineDeps, runId: string, epoch: number): Promise<DriveResult> {
  const mine = driving.get(engineDeps.owner) ?? new Set<string>();
  driving.set(engineDeps.owner, mine);
  mine.add(runId);
  const deps: EngineDeps = { ...engineDeps, lease: { runId, owner: engineDeps.owner, epoch } };
  try {
    return telemetryOn() ? await driveInRunSpan(deps, runId) : await driveClaimedRun(deps, runId);
  } finally {
    mine.delete(runId);
    if (mine.size === 0) driving.delete(engineDeps.owner);
  }
}

/**
 * One attempt at a run inside its `switchboard.run` span. The first attempt records the
 * span's trace and span id on the run (through the store, while it holds the lease); a
 * later attempt (a resume after a crash or a released lease) continues that trace.
 */
async function driveInRunSpan(deps: EngineDeps, runId: string): Promise<DriveResult> {
  const run = await getRun(deps.db, runId);
  const attributes = { "switchboard.run.id": runId, "switchboard.customer.id": run.customerId, "switchboard.run.attempt": run.attempts };
  return inRunTrace("switchboard.run", { traceId: run.traceId, spanId: run.spanId }, attributes, async (span) => {
    const ids = spanIds(span);
    if (ids && !run.traceId) {
      // A trace that cannot be recorded costs the operator a link, never the run.
      await recordRunTrace(deps.db, deps.lease!, ids).catch((err) => runLogger(runId, deps.log).warn({ err }, "recording the run's trace failed"));
    }
    const result = await driveClaimedRun(deps, runId);
    span.setAttribute("switchboard.run.status", result);
    if (result === "failed") markSpanFailed(span, "run failed");
    return result;
  });
}

async function driveClaimedRun(engineDeps: EngineDeps, runId: string): Promise<DriveResult> {
  let deps = engineDeps;
  const lease = engineDeps.lease!;
  const emit = emitterFor(deps, lease);
  const log = runLogger(runId, deps.log);
  const controller = new AbortController();
  // The lease is renewed while we work; losing it means another process took over.
  // A renewal that fails for a transient reason is tried again on the next beat; the
  // work stops once the lease may have expired without a renewal.
  let renewedAt = Date.now();
  const heartbeat = setInterval(async () => {
    try {
      if (!(await renewLease(deps.db, lease, deps.leaseMs, new Date()))) controller.abort(new RunStoreError("lease_lost"));
      else renewedAt = Date.now();
    } catch (err) {
      log.warn({ err }, "lease renewal failed");
      if (Date.now() - renewedAt >= deps.leaseMs * 0.8) controller.abort(new RunStoreError("lease_lost"));
    }
  }, Math.max(200, Math.floor(deps.leaseMs / 4)));
  try {
    let run = await getRun(deps.db, runId);
    deps = await underRunSettings(engineDeps, run);
    // The claim's epoch is this attempt's number (a run read after the claim could already show a newer one).
    run = { ...run, attempts: lease.epoch };
    await emit({ type: "run_started", customerId: run.customerId, input: run.input, attempt: run.attempts });
    await deps.onBoundary?.("claimed", runId);
    const step = () => run.step;

    if (step() === "created") {
      const context = await loadConversationContext(deps.db, run);
      const { plan, usage } = await inSpan("switchboard.plan", { "switchboard.run.id": runId }, async (span) => {
        const planned = await planMessage(deps, run.input, controller.signal, context, runId);
        span.setAttributes({ "switchboard.plan.kind": planned.plan.kind, "switchboard.plan.via": planned.plan.via, "switchboard.plan.tasks": planned.plan.tasks.length });
        return planned;
      });
      if (usage) await recordModelCall(deps.db, lease, { role: "supervisor", ...usage });
      await advanceStep(deps.db, lease, "created", "planned", { plan: plan as object });
      await emit({ type: "plan", plan });
      // The step's compare-and-set succeeded under our lease: the row is what we wrote.
      run = { ...run, step: "planned", plan: plan as object };
      await deps.onBoundary?.("planned", runId);
    }
    const plan = planSchema.parse(run.plan);

    // The reply of a delegated plan is written by the synthesis lane as outcomes arrive
    // (progressive synthesis): it may still be writing when the workers step ends.
    let lane: WorkersAndLane | null = null;
    if (step() === "planned") {
      lane = plan.kind === "delegate" ? runWorkersAndLane(deps, run, plan, emit, controller.signal) : null;
      if (lane) await lane.workers;
      if (plan.kind === "small_talk" && plan.withdraw?.length) {
        // The customer took back something waiting for review: withdrawn with this step.
        for (const { runId: owner, event } of await withdrawAndAdvance(deps.db, lease, run, plan)) deps.bus?.publish(owner, event);
      } else if (plan.kind === "handoff" && handoffEnabled(deps)) {
        // A person is needed: the conversation goes to the desk with this step.
        for (const event of await handOff(deps.db, lease, run, plan)) deps.bus?.publish(runId, event);
      } else {
        await advanceStep(deps.db, lease, "planned", "workers_done");
      }
      run = { ...run, step: "workers_done" };
      await deps.onBoundary?.("workers_done", runId);
    }

    if (step() === "workers_done") {
      const reply = lane ? await lane.reply : await replyFor(deps, run, plan, emit, controller.signal);
      await advanceStep(deps.db, lease, "workers_done", "synthesized", { reply });
      run = { ...run, step: "synthesized", reply };
      await deps.onBoundary?.("synthesized", runId);
    }

    // A failed part's review item says what the ledger holds now: an effect that landed
    // after the part was reported (its COMMIT outlived the wait) is added to it.
    await reconcileFailureItems(deps, runId);

    // synthesized → finished: the reply message, the usage totals and the final status.
    const totals = await deps.db.modelCall.aggregate({ where: { runId }, _sum: { tokensIn: true, tokensOut: true } });
    const tokensIn = totals._sum.tokensIn ?? 0;
    const tokensOut = totals._sum.tokensOut ?? 0;
    // Wall time from creation to the reply (it includes time spent queued or crashed).
    const latencyMs = Date.now() - run.createdAt.getTime();
    const finished = await deps.db.$transaction(async (tx) => {
      // Locked before counting: a review decided meanwhile has either committed (and
      // is counted) or waits for this transaction (and then completes the run itself).
      await tx.$executeRaw`SELECT 1 FROM runs WHERE id = ${runId} FOR NO KEY UPDATE`;
      const status: "awaiting_review" | "completed" = (await countPendingReviews(tx, runId)) > 0 ? "awaiting_review" : "completed";
      // The run's own reply, once (a resumed finish finds it). A reviewer's follow-up
      // posted while the run was still synthesizing is another message of the run.
      const hasReply = await tx.message.count({ where: { runId, role: "assistant", content: run.reply ?? "" } });
      if (!hasReply) await tx.message.create({ data: { conversationId: run.conversationId, role: "assistant", content: run.reply ?? "", runId } });
      // run_finished is the run's last event and commits with the finish: nothing of this
      // executor's can follow it, and no other executor can claim the run any more.
      const event = await appendEvent(tx, runId, { type: "run_finished", status, reply: run.reply ?? "", tokensIn, tokensOut, latencyMs }, new Date(), { lease });
      await advanceStep(tx, lease, "synthesized", "finished", { tokensIn, tokensOut, latencyMs, finishedAt: new Date() });
      await finishRun(tx, lease, status);
      await closeAbandonedInvocations(tx, [runId]);
      return { status, event };
    });
    deps.bus?.publish(runId, finished.event);
    const status = finished.status;
    await deps.onBoundary?.("finished", runId);
    return status;
  } catch (err) {
    if (err instanceof RunStoreError || isLeaseLost(err) || controller.signal.reason instanceof RunStoreError) {
      log.info({ epoch: lease.epoch }, "run attempt stopped: its lease was lost (another executor holds the run)");
      return "lease_lost";
    }
    log.warn({ err }, "run attempt failed");
    return await failOrRelease(deps, lease, err as Error, emit);
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Brings each pending worker-failure item of the run in line with the ledger: when the
 * task's effects now hold more than the item recorded (`applied`), the item's context and
 * summary are updated, so no review item contradicts the ledger whatever a commit's delay.
 */
async function reconcileFailureItems(deps: EngineDeps, runId: string): Promise<void> {
  const items = await deps.db.reviewItem.findMany({ where: { runId, kind: "worker_failure", status: "pending" }, select: { id: true, taskId: true, context: true, summary: true } });
  for (const item of items) {
    const ctx = (item.context ?? {}) as { applied?: Array<{ idempotencyKey?: string }> };
    const applied = await appliedEffects(deps.db, { runId, taskId: item.taskId === "run" ? undefined : item.taskId });
    const known = new Set((ctx.applied ?? []).map((a) => a.idempotencyKey));
    const late = applied.filter((a) => !known.has(a.idempotencyKey));
    if (!late.length) continue;
    await deps.db.$transaction(async (tx) => {
      await fenceTransaction(tx, deps.lease!);
      await tx.reviewItem.updateMany({
        where: { id: item.id, status: "pending" },
        data: {
          context: { ...(item.context as object), applied } as object,
          summary: `${item.summary} (the ledger now also holds: ${late.map((a) => a.tool).join(", ")})`,
        },
      });
    });
  }
}

/**
 * The deps for this run under its settings version: pinned to the version in force on
 * the first claim, read back unchanged on every later attempt in any process.
 */
async function underRunSettings(deps: EngineDeps, run: Run): Promise<EngineDeps> {
  if (!deps.settings) return deps;
  if (run.settingsVersion !== null) return depsUnderSettings(deps, await deps.settings.version(run.settingsVersion));
  const current = await deps.settings.current();
  const pinned = await pinSettingsVersion(deps.db, run.id, current.version);
  return depsUnderSettings(deps, pinned === current.version ? current : await deps.settings.version(pinned));
}

/** The supervisor's own reply for out-of-scope and small talk, or the synthesized one (resumed after the workers finished). */
async function replyFor(deps: EngineDeps, run: Run, plan: Plan, emit: (e: NewRunEvent) => Promise<void>, signal: AbortSignal): Promise<string> {
  if (plan.kind === "handoff") {
    const reply = handoffEnabled(deps) ? await handoffReply(deps.db, run, deps.runSettings?.settings.policy.reviewKinds.handoff.slaMinutes ?? 15) : NO_ONE_REPLY;
    await emit({ type: "message_delta", attempt: run.attempts, delta: reply });
    return reply;
  }
  if (plan.kind !== "delegate") {
    const reply = (await withdrawalReply(deps.db, run, plan)) ?? (plan.reply?.trim() || DECLINE_REPLY);
    await emit({ type: "message_delta", attempt: run.attempts, delta: reply });
    return reply;
  }
  // The workers' results are in the store (runTask returns them at once) and the parts
  // already written are too: the lane writes only what is missing.
  const lane = runWorkersAndLane(deps, run, plan, emit, signal);
  await lane.workers;
  return lane.reply;
}

/** The workers step (done when every worker is) and the reply its lane writes meanwhile. */
type WorkersAndLane = { workers: Promise<TaskOutcome[]>; reply: Promise<string> };

/** Runs the plan's workers, independent ones concurrently, feeding each outcome to the synthesis lane as it arrives. */
function runWorkersAndLane(deps: EngineDeps, run: Run, plan: Plan, emit: (e: NewRunEvent) => Promise<void>, signal: AbortSignal): WorkersAndLane {
  const feed = new OutcomeFeed();
  const reply = composeReply(deps, run, plan, feed, emit, signal);
  // The lane may fail while the workers still run: observed here, thrown where awaited.
  reply.catch(() => {});
  // One worker failing does not stop the others; the run being stopped stops the lane.
  const workers = mapLimited(plan.tasks, deps.workerConcurrency, async (t) => {
    const outcome = await runTask(deps, run, t, emit, signal);
    feed.push(outcome);
    return outcome;
  });
  workers.catch((err) => feed.fail(err));
  return { workers, reply };
}

async function failOrRelease(deps: EngineDeps, lease: RunLease, err: Error, emit: (e: NewRunEvent) => Promise<void>): Promise<DriveResult> {
  const { runId } = lease;
  const run = await deps.db.run.findUnique({ where: { id: runId } });
  const retryable = (run?.attempts ?? MAX_ATTEMPTS) < MAX_ATTEMPTS;
  try {
    await emit({ type: "error", message: err.message ?? String(err), retryable });
  } catch (e) {
    if (isLeaseLost(e)) return "lease_lost";
  }
  if (retryable) {
    // Give the lease back at once so recovery picks the run up again.
    await releaseLease(deps.db, lease);
    return "lease_lost";
  }
  // Out of attempts: say so honestly, and put the whole run in front of a person.
  if (!run) return "failed";
  runLogger(runId, deps.log).error({ err, attempts: run.attempts, step: run.step }, "run failed for good; a person will follow up");
  // Effects its workers committed before the run gave up are the customer's to know.
  const applied = await appliedEffects(deps.db, { runId }).catch(() => []);
  const reply = failedReply(applied.flatMap((a) => a.statement ?? []));
  const latencyMs = Date.now() - run.createdAt.getTime();
  try {
    const event = await deps.db.$transaction(async (tx) => {
      await tx.message.create({ data: { conversationId: run.conversationId, role: "assistant", content: reply, runId } });
      await requestReviewItem(tx, {
        runId, taskId: "run", customerId: run.customerId, kind: "worker_failure",
        summary: `Run failed after ${run.attempts} attempts at step ${run.step}: ${err.message}`,
        context: { input: run.input, step: run.step, plan: run.plan ?? null, error: err.message, attempts: run.attempts, applied },
      });
      const finished = await appendEvent(tx, runId, { type: "run_finished", status: "failed", reply, tokensIn: run.tokensIn, tokensOut: run.tokensOut, latencyMs }, new Date(), { lease });
      await finishRun(tx, lease, "failed", { error: err.message, reply, finishedAt: new Date() });
      await closeAbandonedInvocations(tx, [runId]);
      return finished;
    });
    deps.bus?.publish(runId, event);
  } catch {
    return "lease_lost";
  }
  return "failed";
}

/** Promise.all with at most `limit` in flight, results in input order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(items.length, Math.max(1, limit)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
