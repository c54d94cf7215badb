import type { InvocationStatus, Prisma } from "../../generated/prisma/client";
import { inTransaction } from "../../db/audit";
import type { Db, Tx } from "../../db/client";
import { randomUUID } from "node:crypto";
import { current, fenceTransaction, LeaseLostError, leaseHeld, type RunLease } from "../../db/run-lease";
import type { SubTask, WorkerResult } from "../../contracts";
import { effectStatement, plansNamedBy } from "../../tools/effect-statements";
import { recordTransition } from "./transition";

// Worker invocations: one row per attempt of one worker on one sub-task.

/** Where a sub-task stands when the workers step reaches it (taskStartState). */
export interface TaskStartState {
  /** The output of its last succeeded attempt (a resumed run reuses it), if any. */
  prior: { output: unknown; cacheHit: boolean } | null;
  lastAttempt: number;
  /** The customer's and the world's data versions now, for the worker cache. */
  versions: { dataVersion: number; worldVersion: number };
  /** The worker cache's entry under the task's key, whatever its versions. */
  cached: { result: unknown; dataVersion: number; worldVersion: number } | null;
  /** The task's failure as it was handed to a person (its worker_failure item), if it failed for good. */
  failure: { errors: string[]; unconfirmed: boolean } | null;
}

/**
 * What the workers step reads before a sub-task runs, in one statement (one round trip,
 * one snapshot): its last succeeded attempt, its last attempt number, the data versions
 * and the worker cache's entry under `cacheKey`.
 */
export async function taskStartState(db: Db, input: { runId: string; taskId: string; customerId: string; cacheKey: string }): Promise<TaskStartState> {
  const [row] = await db.$queryRaw<Array<{
    prior: TaskStartState["prior"]; lastAttempt: number; dataVersion: number | null; worldVersion: number | null; cached: TaskStartState["cached"]; failure: TaskStartState["failure"];
  }>>`
    SELECT
      (SELECT json_build_object('output', wi.output, 'cacheHit', wi."cacheHit") FROM worker_invocations wi
        WHERE wi."runId" = ${input.runId} AND wi."taskId" = ${input.taskId} AND wi.status = 'succeeded'
        ORDER BY wi.attempt DESC LIMIT 1) AS prior,
      (SELECT coalesce(max(wi.attempt), 0) FROM worker_invocations wi WHERE wi."runId" = ${input.runId} AND wi."taskId" = ${input.taskId})::int AS "lastAttempt",
      (SELECT c."dataVersion" FROM customers c WHERE c.id = ${input.customerId}) AS "dataVersion",
      (SELECT w.version FROM world_version w WHERE w.id = 'world') AS "worldVersion",
      (SELECT json_build_object('result', wc.result, 'dataVersion', wc."dataVersion", 'worldVersion', wc."worldVersion") FROM worker_cache wc
        WHERE wc.key = ${input.cacheKey}) AS cached,
      (SELECT json_build_object('errors', coalesce(ri.context->'errors', '[]'::jsonb), 'unconfirmed', coalesce((ri.context->>'unconfirmed')::boolean, false))
        FROM review_items ri WHERE ri."runId" = ${input.runId} AND ri."taskId" = ${input.taskId} AND ri.kind = 'worker_failure') AS failure`;
  return {
    prior: row.prior,
    lastAttempt: row.lastAttempt,
    versions: { dataVersion: row.dataVersion ?? 0, worldVersion: row.worldVersion ?? 0 },
    cached: row.cached,
    failure: row.failure,
  };
}

/** A new attempt's row, `running`, while `lease` is current (one transaction: the check holds until the insert commits). */
export function startInvocation(db: Db, input: { lease: RunLease; task: SubTask; attempt: number }) {
  return db.$transaction(async (tx) => {
    await fenceTransaction(tx, input.lease);
    return tx.workerInvocation.create({
      data: { runId: input.lease.runId, taskId: input.task.id, worker: input.task.worker, attempt: input.attempt, status: "running", input: input.task as object },
    });
  });
}

/** A cache hit is an attempt that succeeded at once, without a model (inside the caller's transaction, which checks the lease). */
export function recordCachedInvocation(db: Db | Tx, input: { runId: string; task: SubTask; attempt: number; result: WorkerResult }) {
  return db.workerInvocation.create({
    data: {
      runId: input.runId, taskId: input.task.id, worker: input.task.worker, attempt: input.attempt, status: "succeeded",
      input: input.task as object, output: input.result as object, confidence: input.result.confidence,
      cacheHit: true, model: "cache", latencyMs: 0, finishedAt: new Date(),
    },
  });
}

/**
 * running → succeeded | failed | timed_out, once, while `lease` is current: an attempt
 * whose executor was fenced off records nothing (its row was closed as lease_lost by the
 * claim that replaced it).
 */
export async function finishInvocation(
  db: Db | Tx,
  id: string,
  status: Exclude<InvocationStatus, "running" | "lease_lost">,
  data: Omit<Prisma.WorkerInvocationUpdateManyMutationInput, "status">,
  lease: RunLease,
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    await fenceTransaction(tx, lease);
    const r = await tx.workerInvocation.updateMany({ where: { id, status: "running" }, data: { ...data, status, finishedAt: new Date() } });
    if (r.count === 1) await recordTransition(tx, { entity: "invocation", id, from: "running", to: status, runId: lease.runId });
    return r.count === 1;
  });
}

/** A side effect the ledger holds for a run's own tool call, with what it means for the customer. */
export interface AppliedEffect {
  tool: string;
  idempotencyKey: string;
  args: unknown;
  result: unknown;
  /** The customer-facing sentence (../../tools/effect-statements), or null when there is nothing to tell. */
  statement: string | null;
}

/**
 * The side effects the ledger holds for a run's own tool calls (of one task, or of
 * every task), oldest first, each stated in the customer's words. Effects of a
 * reviewer's approval (`review:` keys) are not the run's.
 */
export async function appliedEffects(db: Db, input: { runId: string; taskId?: string }): Promise<AppliedEffect[]> {
  const effects = await db.sideEffect.findMany({
    where: { runId: input.runId, idempotencyKey: { startsWith: input.taskId ? `${input.runId}:${input.taskId}:` : `${input.runId}:` } },
    orderBy: { createdAt: "asc" },
    select: { idempotencyKey: true, tool: true, args: true, result: true },
  });
  const planIds = plansNamedBy(effects);
  const plans = planIds.length ? await db.plan.findMany({ where: { id: { in: planIds } }, select: { id: true, name: true, monthlyCents: true } }) : [];
  const byId = new Map(plans.map((p) => [p.id, p]));
  return effects.map((e) => ({ ...e, statement: effectStatement(e, byId) }));
}

/** One tool call this run's task already made, with its answer (for a resumed or retried worker). */
export interface JournalEntry {
  id: string;
  tool: string;
  args: unknown;
  result: unknown;
}

/**
 * What earlier attempts of this task already did: their successful tool calls, in
 * order, plus any side effect the ledger holds for the task that no tool-call row
 * recorded (a process killed between the effect's commit and the row). Repeated
 * identical calls keep their latest answer.
 */
export async function loadTaskJournal(db: Db, input: { runId: string; taskId: string; exceptInvocationId: string }): Promise<JournalEntry[]> {
  const [calls, effects] = await Promise.all([
    db.toolCall.findMany({
      where: { runId: input.runId, isError: false, invocationId: { not: input.exceptInvocationId }, invocation: { taskId: input.taskId } },
      orderBy: { createdAt: "asc" },
    }),
    db.sideEffect.findMany({
      where: { runId: input.runId, idempotencyKey: { startsWith: `${input.runId}:${input.taskId}:` } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const byCall = new Map<string, JournalEntry>();
  const key = (tool: string, args: unknown) => `${tool}\n${JSON.stringify(args ?? {})}`;
  for (const c of calls) {
    const k = key(c.tool, c.args);
    byCall.delete(k); // re-insert so the order follows the latest call
    byCall.set(k, { id: c.id, tool: c.tool, args: c.args, result: c.result });
  }
  for (const e of effects) {
    const recorded = [...byCall.values()].some((j) => j.tool === e.tool && (j.result as { replayed?: boolean } | null) !== null && sameEffect(j, e.result));
    if (!recorded) byCall.set(`ledger:${e.idempotencyKey}`, { id: `ledger-${e.idempotencyKey}`, tool: e.tool, args: e.args, result: { ...(e.result as object), replayed: true } });
  }
  return [...byCall.values()];
}

/** A journal entry that reports the same effect as a ledger result (the result the tool returned when it acted). */
function sameEffect(entry: JournalEntry, ledgerResult: unknown): boolean {
  const strip = (v: unknown) => {
    const { replayed: _ignored, ...rest } = (v ?? {}) as Record<string, unknown>;
    return JSON.stringify(rest);
  };
  return strip(entry.result) === strip(ledgerResult);
}

/**
 * One model call's token use, stored while `lease` is current: on its own, one statement
 * whose check is part of the insert; inside a fenced transaction, checked again at its COMMIT.
 */
export async function recordModelCall(
  db: Db | Tx,
  lease: RunLease,
  call: { role: string; model: string; tokensIn: number; tokensOut: number; latencyMs: number; invocationId?: string },
): Promise<void> {
  const n = await db.$executeRaw`
    INSERT INTO model_calls (id, "runId", role, "invocationId", model, "tokensIn", "tokensOut", "latencyMs")
    SELECT ${randomUUID()}, ${lease.runId}, ${call.role}, ${call.invocationId ?? null}, ${call.model}, ${call.tokensIn}, ${call.tokensOut}, ${call.latencyMs}
    WHERE ${"$transaction" in db ? leaseHeld(lease) : current(lease)}`;
  if (n !== 1) throw new LeaseLostError(lease.runId, lease.epoch);
}
