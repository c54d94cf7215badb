import type { Prisma } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";
import { fenceTransaction, isLeaseLost, LeaseLostError, type RunLease } from "../db/run-lease";
import type { ToolContext } from "./context";
import { ToolError } from "./errors";

export interface SideEffectSpec {
  key: string;
  tool: string;
  customerId: string;
  runId?: string | null;
  /** The run's sub-task the call belongs to: with the run, it names the task's in-flight effects (awaitTaskEffects). */
  taskId?: string;
  /** Recorded for the audit trail (the full arguments, not only the identifying ones). */
  args: unknown;
  /** The caller gave up on this call: roll the effect back instead of committing it. */
  signal?: AbortSignal;
  /**
   * The run executor's lease: the effect happens only while it is current, checked
   * before the effect and held until the commit (../db/run-lease), so an executor that
   * was replaced while it stalled changes nothing.
   */
  lease?: RunLease;
}

export type Replayable<R> = R & { replayed: boolean };

/** The caller stopped waiting before the effect committed: it was rolled back. */
export class CallAbandonedError extends Error {
  constructor(tool: string) {
    super(`${tool} was abandoned by its caller before it committed; nothing was changed`);
    this.name = "CallAbandonedError";
  }
}

/**
 * The idempotency key of a side effect. Inside a run it is
 * `${runId}:${taskId}:${tool}[:${stableArgs}]`, so a retried worker or a resumed run
 * replays instead of acting again. Outside a run the caller must supply a key, scoped
 * here to the customer so one customer's key can never read another's result.
 */
export function sideEffectKey(
  ctx: Pick<ToolContext, "runId" | "taskId" | "customerId">,
  tool: string,
  stableArgs: Array<string | number>,
  explicitKey?: string,
): string {
  if (ctx.runId) return [ctx.runId, ctx.taskId ?? "-", tool, ...stableArgs].join(":");
  if (!explicitKey) {
    throw new ToolError("idempotency_key_required", `${tool} changes the account: outside a run, pass an idempotencyKey unique to this action`);
  }
  return ["ext", ctx.customerId, explicitKey, tool, ...stableArgs].join(":");
}

/**
 * Runs `effect` exactly once per key. In one transaction: a lock on the key serializes
 * identical callers; if the key is recorded, its result is returned with
 * `replayed: true`; otherwise the effect runs and, when `record` says it acted, its
 * result is stored with it. Results that changed nothing (refusals, proposals) are not
 * recorded, so a later call in the same task re-evaluates them against fresh facts.
 */
export async function withIdempotency<R extends Record<string, unknown>>(
  db: Db | Tx,
  spec: SideEffectSpec,
  effect: (tx: Tx) => Promise<R>,
  opts: { record?: (result: R) => boolean } = {},
): Promise<Replayable<R>> {
  const body = async (tx: Tx): Promise<Replayable<R>> => {
    // The key's lock serializes identical callers; the task's shared lock tells
    // awaitTaskEffects that an effect of this task is in flight until this commits.
    const task = spec.runId && spec.taskId ? taskEffectsLockKey(spec.runId, spec.taskId) : null;
    if (task) await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${task}, 0)), pg_advisory_xact_lock(hashtextextended(${spec.key}, 0))`;
    else await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${spec.key}, 0))`;
    if (spec.lease) await fenceTransaction(tx, spec.lease);
    const prior = await tx.sideEffect.findUnique({ where: { idempotencyKey: spec.key } });
    if (prior) return replay<R>(prior, spec);
    const result = await effect(tx);
    if (opts.record?.(result) ?? true) {
      await tx.sideEffect.create({
        data: {
          idempotencyKey: spec.key,
          runId: spec.runId ?? null,
          tool: spec.tool,
          customerId: spec.customerId,
          args: toJson(spec.args),
          result: toJson(result),
        },
      });
    }
    // Checked last, right before the commit: an effect whose caller already gave up
    // (and may have told the customer it could not be done) must not land afterwards.
    if (spec.signal?.aborted) throw new CallAbandonedError(spec.tool);
    return { ...result, replayed: false };
  };
  // Inside a caller's transaction the effect commits or rolls back with the caller's work.
  if (!("$transaction" in db)) return body(db);
  try {
    return await db.$transaction(body, { maxWait: 10_000, timeout: 20_000 });
  } catch (err) {
    // Refused at COMMIT: the run's executor was replaced while this effect was under way; it was rolled back whole.
    if (spec.lease && isLeaseLost(err)) throw new LeaseLostError(spec.lease.runId, spec.lease.epoch);
    // The advisory lock makes this unreachable for callers of this function; a writer
    // that bypassed it still cannot cause a second effect: the primary key rejects it.
    if (isUniqueViolation(err)) {
      const prior = await db.sideEffect.findUnique({ where: { idempotencyKey: spec.key } });
      if (prior) return replay<R>(prior, spec);
    }
    throw err;
  }
}

const taskEffectsLockKey = (runId: string, taskId: string) => `task-effects:${runId}:${taskId}`;

/**
 * Waits until no side-effect transaction of this run's task is in flight (each holds
 * the task's lock shared until it commits or rolls back), at most `timeoutMs`, and says
 * whether it got there. A worker attempt that timed out may have left an effect in its
 * COMMIT: the engine waits for it before it tells the customer what the part did, so the
 * reply follows the ledger, not the timer. On the embedded database transactions run
 * one at a time anyway, so this returns at once.
 */
export async function awaitTaskEffects(db: Db, runId: string, taskId: string, timeoutMs: number): Promise<boolean> {
  const key = taskEffectsLockKey(runId, taskId);
  try {
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    }, { maxWait: timeoutMs, timeout: timeoutMs + 5_000 });
    return true;
  } catch (err) {
    if (isLockTimeout(err)) return false;
    throw err;
  }
}

function isLockTimeout(err: unknown): boolean {
  const text = `${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? {})}`;
  return /55P03|lock timeout|canceling statement due to lock timeout/i.test(text);
}

function replay<R>(prior: { tool: string; customerId: string; result: Prisma.JsonValue }, spec: SideEffectSpec): Replayable<R> {
  if (prior.tool !== spec.tool || prior.customerId !== spec.customerId) {
    throw new ToolError("invalid_input", "This idempotency key was already used for a different action");
  }
  return { ...(prior.result as R), replayed: true };
}

function toJson(v: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/** Locks the customer row for the rest of the transaction (serializes writes per customer). */
export async function lockCustomer(tx: Tx, customerId: string): Promise<boolean> {
  const n = await tx.$executeRaw`SELECT 1 FROM customers WHERE id = ${customerId} FOR UPDATE`;
  return n > 0;
}

/** Every write to a customer's data bumps its version in the same transaction (cache keys read it). */
export async function bumpCustomerVersion(tx: Tx, customerId: string): Promise<void> {
  await tx.customer.update({ where: { id: customerId }, data: { dataVersion: { increment: 1 } } });
}

/** Writes to shared data (slots, outages) bump the world version. */
export async function bumpWorldVersion(tx: Tx): Promise<void> {
  await tx.worldVersion.upsert({ where: { id: "world" }, create: { id: "world", version: 1 }, update: { version: { increment: 1 } } });
}
