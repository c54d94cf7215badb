import { subTaskSchema } from "../contracts";
import { appendAudit } from "../db/audit";
import { inRunTrace } from "../telemetry/tracing";
import type { EngineDeps } from "./deps";
import type { NewRunEvent, StoredRunEvent } from "./events";
import { followUp, roleAllows, type ActingStaff, type ReviewDecisionResult } from "./review-decisions";
import { depsUnderSettings } from "./settings";
import { appendEvent, claimRefusal, decideReviewItem, getRun, notifyReviewQueue } from "./store";
import { runTask } from "./workers-step";

// "Retry the part": a reviewer who holds a worker-failure item runs its sub-task
// again, as the run would have, under the run's own settings version and with the
// same task id, so the side-effect ledger still stands between a retry and a second
// credit, plan change or dispatch. A worker cannot run inside a database transaction,
// so the retry is bracketed instead: a compare-and-set marks the item `retrying`
// (one retry at a time, by the claim's holder), the worker runs, and then either the
// decision (approved, the worker's answer as the follow-up, the reviewer recorded)
// commits in one transaction, or the mark is cleared and the item waits, with the new
// failure on its page, for an answer by hand.

export type RetryResult = ReviewDecisionResult | { ok: false; error: "retry_failed"; message: string };

/** Runs a failed sub-task again for the reviewer holding its item; on success the item is decided with the worker's answer. */
export async function retryReview(deps: EngineDeps, input: ActingStaff & { reviewId: string; expectedVersion?: number }): Promise<RetryResult> {
  const now = new Date();
  const started = await deps.db.$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return { refusal: "forbidden" as const };
    const item = await tx.reviewItem.findUnique({ where: { id: input.reviewId } });
    if (!item) return { refusal: "not_found" as const };
    const task = subTaskSchema.safeParse((item.context as { task?: unknown } | null)?.task);
    if (item.kind !== "worker_failure" || !task.success) return { refusal: "invalid_decision" as const };
    const marked = await tx.reviewItem.updateMany({
      where: {
        id: item.id, status: "pending", resolution: null, claimedById: input.staff.id, claimExpiresAt: { gt: now },
        ...(input.expectedVersion !== undefined ? { version: input.expectedVersion } : {}),
      },
      data: { resolution: "retrying", version: { increment: 1 } },
    });
    if (marked.count !== 1) {
      const why = await claimRefusal(tx, item.id, input.staff.id, now, input.expectedVersion);
      // Pending, held by this reviewer, right version: another retry of theirs is running.
      return { refusal: why.error === "not_claimed" && item.resolution === "retrying" ? ("stale" as const) : why.error, claimedBy: why.error === "claimed_by_other" ? why.by : undefined };
    }
    await appendAudit(tx, { kind: "review_retry_started", actor: input.staff.email, runId: item.runId, subject: `review:${item.id}`, payload: { task: task.data } });
    await notifyReviewQueue(tx);
    return { runId: item.runId, task: task.data, version: item.version + 1 };
  });
  if ("refusal" in started) return { ok: false, error: started.refusal!, ...(started.claimedBy ? { claimedBy: started.claimedBy } : {}) };

  const run = await getRun(deps.db, started.runId);
  const runDeps = deps.settings && run.settingsVersion !== null ? depsUnderSettings(deps, await deps.settings.version(run.settingsVersion)) : deps;
  const emit = async (e: NewRunEvent) => {
    deps.bus?.publish(run.id, await appendEvent(deps.db, run.id, e, new Date()));
  };
  let outcome: Awaited<ReturnType<typeof runTask>> | null = null;
  let crash: unknown = null;
  try {
    // In the run's trace, beside the attempts that ran it.
    const attributes = { "switchboard.run.id": run.id, "switchboard.review.id": input.reviewId, "switchboard.task.id": started.task.id };
    outcome = await inRunTrace("switchboard.review_retry", run, attributes, () => runTask(runDeps, run, started.task, emit, new AbortController().signal));
  } catch (err) {
    crash = err;
  }

  if (!outcome?.ok) {
    await deps.db.$transaction(async (tx) => {
      await tx.reviewItem.updateMany({ where: { id: input.reviewId, status: "pending", resolution: "retrying" }, data: { resolution: null, version: { increment: 1 } } });
      await appendAudit(tx, {
        kind: "review_retry_failed", actor: input.staff.email, runId: run.id, subject: `review:${input.reviewId}`,
        payload: { error: outcome && !outcome.ok ? outcome.error : String((crash as Error)?.message ?? crash) },
      });
      await notifyReviewQueue(tx);
    });
    if (crash) throw crash;
    return { ok: false, error: "retry_failed", message: outcome && !outcome.ok ? outcome.error : "the worker failed again" };
  }

  const result = outcome.result;
  const events: StoredRunEvent[] = [];
  const decided = await deps.db.$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return null;
    await tx.reviewItem.updateMany({ where: { id: input.reviewId, resolution: "retrying" }, data: { resolution: null } });
    const item = await decideReviewItem(tx, {
      reviewId: input.reviewId, status: "approved", by: input.staff, note: null, now: new Date(),
      expectedVersion: started.version, resolution: "retry", reply: result.summary,
    });
    if (!item) return null;
    await appendAudit(tx, {
      kind: "review_decision", actor: input.staff.email, runId: item.runId, subject: `review:${item.id}`,
      payload: { decision: "retry", status: "approved", note: null, reply: result.summary, proposedAction: null, staffId: input.staff.id, version: item.version },
    });
    events.push(...(await followUp(tx, item, null)));
    return item;
  });
  if (!decided) {
    // The claim lapsed or the role went while the worker ran: its work stands (the
    // ledger recorded any effect), but the decision is someone else's now.
    await deps.db.reviewItem.updateMany({ where: { id: input.reviewId, status: "pending", resolution: "retrying" }, data: { resolution: null, version: { increment: 1 } } });
    return { ok: false, error: "not_claimed" };
  }
  for (const e of events) deps.bus?.publish(run.id, e);
  return { ok: true, status: "approved" };
}
