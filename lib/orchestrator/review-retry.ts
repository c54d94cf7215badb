import { subTaskSchema, type SubTask } from "../contracts";
import { appendAudit } from "../db/audit";
import type { RunLease } from "../db/run-lease";
import { inRunTrace } from "../telemetry/tracing";
import type { EngineDeps } from "./deps";
import type { NewRunEvent, StoredRunEvent } from "./events";
import { followUp, REVIEW_TRANSACTION, roleAllows, type ActingStaff, type ReviewDecisionResult } from "./review-decisions";
import { deadLocalOwners, localOwnerPattern } from "../db/process-identity";
import { depsUnderSettings } from "./settings";
import { appendEvent, claimRefusal, decideReviewItem, getRun, notifyReviewQueue, type Reviewer } from "./store";
import { runTask } from "./workers-step";

// "Retry the part": a reviewer who holds a worker-failure item runs its sub-task
// again, as the run would have, under the run's own settings version and with the
// same task id, so the side-effect ledger still stands between a retry and a second
// credit, plan change or dispatch. A worker cannot run inside a database transaction,
// so the retry is a durable step of its own, leased like a run: a compare-and-set
// marks the item `retrying` under a lease (owner, epoch raised by every start, expiry)
// that the process renews while the worker runs, and every write of the retry is
// fenced by that epoch (../db/run-lease). Then either the decision (approved, the
// worker's answer as the follow-up, the reviewer recorded) commits in one transaction,
// or the mark is cleared and the item waits, with the new failure on its page, for an
// answer by hand. If the process dies mid-way, the lease runs out: any app process's
// recovery loop takes the retry over and finishes it (resumeAbandonedRetries), and the
// reviewer may also start it again. An item never stays `retrying` without a live owner.

export type RetryResult = ReviewDecisionResult | { ok: false; error: "retry_failed"; message: string };

/** A retry's lease: shorter than a worker's timeout would be pointless, so it is renewed every quarter. */
const RETRY_LEASE_MS = 5_000;

/** Runs a failed sub-task again for the reviewer holding its item; on success the item is decided with the worker's answer. */
export async function retryReview(deps: EngineDeps, input: ActingStaff & { reviewId: string; expectedVersion?: number }): Promise<RetryResult> {
  const now = new Date();
  const started = await deps.db.$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return { refusal: "forbidden" as const };
    const item = await tx.reviewItem.findUnique({ where: { id: input.reviewId } });
    if (!item) return { refusal: "not_found" as const };
    const task = subTaskSchema.safeParse((item.context as { task?: unknown } | null)?.task);
    if (item.kind !== "worker_failure" || !task.success) return { refusal: "invalid_decision" as const };
    // Only once the run has finished: while it has an executor, the run and a retry would
    // both work on the task (two attempts under one number, a live attempt closed by the
    // run's finish, an effect the run's reply leaves out). A finished run is never claimed
    // again, so this check needs no lock; a run finishing just after it is refused once.
    const run = await tx.run.findUnique({ where: { id: item.runId }, select: { status: true } });
    if (run?.status === "queued" || run?.status === "running") return { refusal: "run_in_progress" as const };
    // Not retrying, or retrying under a lease that ran out or whose process is certainly
    // gone (it died on this machine): a stale mark never blocks the item.
    const version = input.expectedVersion;
    const deadOwner = item.resolution === "retrying" && item.retryOwner ? (deadLocalOwners([item.retryOwner], deps.owner)[0] ?? null) : null;
    const marked = await tx.$queryRaw<Array<{ epoch: number; version: number }>>`
      UPDATE review_items SET resolution = 'retrying', "retryOwner" = ${deps.owner}, "retryEpoch" = "retryEpoch" + 1,
        "retryLeaseUntil" = ${new Date(now.getTime() + RETRY_LEASE_MS)}, "retryById" = ${input.staff.id}, version = version + 1
      WHERE id = ${item.id} AND status = 'pending' AND "claimedById" = ${input.staff.id} AND "claimExpiresAt" > ${now}
        AND (resolution IS NULL OR (resolution = 'retrying' AND ("retryLeaseUntil" IS NULL OR "retryLeaseUntil" < ${now} OR "retryOwner" = ${deadOwner})))
        AND (${version ?? null}::int IS NULL OR version = ${version ?? null}::int)
      RETURNING "retryEpoch" AS epoch, version`;
    if (marked.length !== 1) {
      const why = await claimRefusal(tx, item.id, input.staff.id, now, input.expectedVersion);
      // Pending, held by this reviewer, right version: another retry is running under a live lease.
      return { refusal: why.error === "not_claimed" && item.resolution === "retrying" ? ("stale" as const) : why.error, claimedBy: why.error === "claimed_by_other" ? why.by : undefined };
    }
    await appendAudit(tx, { kind: "review_retry_started", actor: input.staff.email, runId: item.runId, subject: `review:${item.id}`, payload: { task: task.data, epoch: marked[0].epoch } });
    await notifyReviewQueue(tx);
    return { runId: item.runId, task: task.data, version: marked[0].version, epoch: marked[0].epoch };
  }, REVIEW_TRANSACTION);
  if ("refusal" in started) return { ok: false, error: started.refusal!, ...(started.claimedBy ? { claimedBy: started.claimedBy } : {}) };
  const lease: RunLease = { runId: started.runId, owner: deps.owner, epoch: started.epoch, reviewId: input.reviewId };
  return runRetry(deps, lease, { staff: input.staff, allowedRoles: input.allowedRoles, task: started.task, version: started.version });
}

/**
 * Takes over retries whose process died (their lease ran out, or their owner on this
 * machine is certainly gone) and finishes each as the reviewer who started it. Called by
 * the recovery loop; returns how many it took over.
 */
export async function resumeAbandonedRetries(deps: EngineDeps, opts: { allowedRoles: readonly string[]; limit?: number }): Promise<number> {
  const now = new Date();
  const local = localOwnerPattern();
  const owners = local
    ? await deps.db.$queryRaw<Array<{ owner: string }>>`
        SELECT DISTINCT "retryOwner" AS owner FROM review_items WHERE resolution = 'retrying' AND "retryOwner" LIKE ${`${local.host}:%`} AND "retryOwner" LIKE ${`%:${local.view}`}`
    : [];
  const dead = deadLocalOwners(owners.map((o) => o.owner), deps.owner);
  const taken = await deps.db.$queryRaw<Array<{ id: string; runId: string; epoch: number; version: number; context: unknown; retryById: string | null }>>`
    UPDATE review_items SET "retryOwner" = ${deps.owner}, "retryEpoch" = "retryEpoch" + 1, "retryLeaseUntil" = ${new Date(now.getTime() + RETRY_LEASE_MS)}
    WHERE id IN (
      SELECT id FROM review_items
      WHERE status = 'pending' AND resolution = 'retrying'
        AND ("retryLeaseUntil" IS NULL OR "retryLeaseUntil" < ${now} OR "retryOwner" = ANY(${dead}::text[]))
      ORDER BY "createdAt" LIMIT ${opts.limit ?? 5}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "runId", "retryEpoch" AS epoch, version, context, "retryById"`;
  for (const t of taken) {
    const lease: RunLease = { runId: t.runId, owner: deps.owner, epoch: t.epoch, reviewId: t.id };
    const task = subTaskSchema.safeParse((t.context as { task?: unknown } | null)?.task);
    const staff = t.retryById ? await deps.db.staffUser.findUnique({ where: { id: t.retryById }, select: { id: true, email: true, name: true } }) : null;
    if (!task.success || !staff) {
      await clearRetry(deps, lease, "the retry could not be resumed: its task or its reviewer is gone");
      continue;
    }
    deps.log.info({ reviewId: t.id, epoch: t.epoch }, "review retry taken over after its process stopped: running it again");
    void runRetry(deps, lease, { staff, allowedRoles: opts.allowedRoles, task: task.data, version: t.version }).catch((err) =>
      deps.log.error({ err, reviewId: t.id }, "resumed review retry crashed"),
    );
  }
  return taken.length;
}

/** Clears the `retrying` mark while `lease` holds it, and records why the retry ended without a decision. */
async function clearRetry(deps: EngineDeps, lease: RunLease, error: string, actor = "system") {
  await deps.db.$transaction(async (tx) => {
    const n = await tx.reviewItem.updateMany({
      where: { id: lease.reviewId!, status: "pending", resolution: "retrying", retryOwner: lease.owner, retryEpoch: lease.epoch },
      data: { resolution: null, retryOwner: null, retryLeaseUntil: null, version: { increment: 1 } },
    });
    if (n.count !== 1) return;
    await appendAudit(tx, { kind: "review_retry_failed", actor, runId: lease.runId, subject: `review:${lease.reviewId}`, payload: { error } });
    await notifyReviewQueue(tx);
  }, REVIEW_TRANSACTION);
}

/** The retry itself, under `lease`: the worker, then the decision or the cleared mark. */
async function runRetry(
  deps: EngineDeps,
  lease: RunLease,
  input: { staff: Reviewer; allowedRoles: readonly string[]; task: SubTask; version: number },
): Promise<RetryResult> {
  const reviewId = lease.reviewId!;
  const run = await getRun(deps.db, lease.runId);
  const underSettings = deps.settings && run.settingsVersion !== null ? depsUnderSettings(deps, await deps.settings.version(run.settingsVersion)) : deps;
  const runDeps: EngineDeps = { ...underSettings, lease };
  const emit = async (e: NewRunEvent) => {
    deps.bus?.publish(run.id, await appendEvent(deps.db, run.id, e, new Date(), { lease }));
  };
  // The lease is renewed while the worker runs; once it cannot be, the retry stops (another process took it over).
  const stop = new AbortController();
  const heartbeat = setInterval(() => {
    deps.db.reviewItem
      .updateMany({
        where: { id: reviewId, resolution: "retrying", retryOwner: lease.owner, retryEpoch: lease.epoch },
        data: { retryLeaseUntil: new Date(Date.now() + RETRY_LEASE_MS) },
      })
      .then((r) => r.count === 1 || stop.abort(new Error("the retry's lease was taken over")))
      .catch((err) => deps.log.warn({ err, reviewId }, "review retry lease renewal failed"));
  }, RETRY_LEASE_MS / 4);
  let outcome: Awaited<ReturnType<typeof runTask>> | null = null;
  let crash: unknown = null;
  try {
    // In the run's trace, beside the attempts that ran it.
    const attributes = { "switchboard.run.id": run.id, "switchboard.review.id": reviewId, "switchboard.task.id": input.task.id };
    outcome = await inRunTrace("switchboard.review_retry", run, attributes, () => runTask(runDeps, run, input.task, emit, stop.signal));
  } catch (err) {
    crash = err;
  } finally {
    clearInterval(heartbeat);
  }

  if (!outcome?.ok) {
    const error = outcome && !outcome.ok ? outcome.error : String((crash as Error)?.message ?? crash);
    await clearRetry(deps, lease, error, input.staff.email);
    if (crash && !stop.signal.aborted) throw crash;
    return { ok: false, error: "retry_failed", message: outcome && !outcome.ok ? outcome.error : "the worker failed again" };
  }

  const result = outcome.result;
  const events: StoredRunEvent[] = [];
  const notDecided = new Error("not decided");
  const decided = await deps.db
    .$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) throw notDecided;
    const held = await tx.reviewItem.updateMany({
      where: { id: reviewId, resolution: "retrying", retryOwner: lease.owner, retryEpoch: lease.epoch },
      data: { resolution: null, retryOwner: null, retryLeaseUntil: null },
    });
    if (held.count !== 1) throw notDecided;
    const item = await decideReviewItem(tx, {
      reviewId, status: "approved", by: input.staff, note: null, now: new Date(),
      expectedVersion: input.version, resolution: "retry", reply: result.summary,
    });
    // Rolled back whole: the mark stays for clearRetry to clear with its audit entry.
    if (!item) throw notDecided;
    await appendAudit(tx, {
      kind: "review_decision", actor: input.staff.email, runId: item.runId, subject: `review:${item.id}`,
      payload: { decision: "retry", status: "approved", note: null, reply: result.summary, proposedAction: null, staffId: input.staff.id, version: item.version },
    });
    events.push(...(await followUp(tx, item, null)));
    return item;
  }, REVIEW_TRANSACTION)
    .catch((err) => {
      if (err === notDecided) return null;
      throw err;
    });
  if (!decided) {
    // The claim lapsed, the role went or another process took the retry over while the
    // worker ran: its work stands (the ledger recorded any effect), but the decision is
    // someone else's now.
    await clearRetry(deps, lease, "the reviewer's claim lapsed, or their role changed, while the part was retried", input.staff.email);
    return { ok: false, error: "not_claimed" };
  }
  for (const e of events) deps.bus?.publish(run.id, e);
  return { ok: true, status: "approved" };
}
