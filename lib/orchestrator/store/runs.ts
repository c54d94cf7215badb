import type { Prisma, RunStep } from "../../generated/prisma/client";
import type { FinishedRunStatus } from "../../contracts";
import { appendAudit, inTransaction } from "../../db/audit";
import type { Db, Tx } from "../../db/client";
import { LeaseLostError, type RunLease } from "../../db/run-lease";
import { recordTransition } from "./transition";

// Runs: creation, leases and the step machine. Every status or step change is a
// compare-and-set, so two processes can never both advance a run.

export type { RunStep };
export type { RunLease };

export class RunStoreError extends Error {
  constructor(readonly code: "conversation_not_found" | "conversation_busy" | "lease_lost") {
    super(code);
  }
}

export async function createRun(
  db: Db,
  input: { customerId: string; message: string; conversationId?: string; idempotencyKey?: string },
) {
  if (input.idempotencyKey) {
    const existing = await db.run.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
    if (existing) return { run: existing, created: false };
  }
  try {
    const run = await db.$transaction(async (tx) => {
      let conversationId = input.conversationId;
      if (conversationId) {
        // A conversation id from a client must belong to the authenticated customer.
        // Its row lock orders concurrent messages to one conversation, so of two sent
        // at once only one starts a run while the other sees it as busy.
        const owned = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM conversations WHERE id = ${conversationId} AND "customerId" = ${input.customerId} FOR NO KEY UPDATE`;
        if (owned.length === 0) throw new RunStoreError("conversation_not_found");
        const active = await tx.run.count({ where: { conversationId, status: { in: ["queued", "running"] } } });
        if (active > 0) throw new RunStoreError("conversation_busy");
      } else {
        conversationId = (await tx.conversation.create({ data: { customerId: input.customerId } })).id;
      }
      const run = await tx.run.create({
        data: { conversationId, customerId: input.customerId, input: input.message, idempotencyKey: input.idempotencyKey },
      });
      await tx.message.create({ data: { conversationId, role: "user", content: input.message, runId: run.id } });
      await appendAudit(tx, {
        kind: "run_created", actor: `customer:${input.customerId}`, runId: run.id, subject: `run:${run.id}`,
        payload: { conversationId, input: input.message },
      });
      return run;
    });
    return { run, created: true };
  } catch (err) {
    if ((err as { code?: string })?.code === "P2002" && input.idempotencyKey) {
      return { run: await db.run.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } }), created: false };
    }
    throw err;
  }
}

export function getRun(db: Db | Tx, runId: string) {
  return db.run.findUniqueOrThrow({ where: { id: runId } });
}

/**
 * Takes the lease on a run that is queued, or running under an expired lease (its
 * process died), and returns the claim's epoch (the run's new `attempts`), or null when
 * someone else holds it. The UPDATE locks the row: a writer of the previous epoch that is
 * committing waits for the claim, then finds its lease gone (../../db/run-lease).
 */
export async function claimRun(db: Db, runId: string, owner: string, leaseMs: number, now: Date): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ epoch: number }>>`
      UPDATE runs SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)},
        status = 'running', attempts = attempts + 1, "updatedAt" = now()
      WHERE id = ${runId}
        AND (status = 'queued' OR (status = 'running' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})))
      RETURNING attempts AS epoch`;
    if (rows.length !== 1) return null;
    await closeAbandonedInvocations(tx, [runId]);
    await recordTransition(tx, { entity: "run", id: runId, from: ["queued", "running"], to: "running", by: owner });
    return rows[0].epoch;
  });
}

/**
 * Claims up to `limit` runs that need an executor (queued, or running under an
 * expired lease), except `exceptIds` (runs this process is still driving), each with
 * its claim's epoch. SKIP LOCKED lets several app processes claim concurrently without
 * blocking on, or double-claiming, the same rows. NO KEY UPDATE, the lock the UPDATE
 * takes anyway: an open transaction of the previous executor that inserted rows
 * referencing the run (a foreign key's KEY SHARE) does not hold the claim up.
 */
export async function claimRunnableRuns(
  db: Db, owner: string, leaseMs: number, now: Date, limit = 5, exceptIds: string[] = [], deadOwners: string[] = [],
): Promise<Array<{ id: string; epoch: number }>> {
  return db.$transaction(async (tx) => {
    // Runnable: queued, leased by nobody, a lease that ran out, or one held by an owner
    // known to be dead (../../db/process-identity), whose lease has not run out yet.
    const rows = await tx.$queryRaw<Array<{ id: string; epoch: number }>>`
      UPDATE runs SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)},
        status = 'running', attempts = attempts + 1, "updatedAt" = now()
      WHERE id IN (
        SELECT id FROM runs
        WHERE (status = 'queued' OR (status = 'running' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now} OR "leaseOwner" = ANY(${deadOwners}::text[]))))
          AND id <> ALL(${exceptIds}::text[])
        ORDER BY "createdAt"
        LIMIT ${limit}
        FOR NO KEY UPDATE SKIP LOCKED
      )
      RETURNING id, attempts AS epoch`;
    if (rows.length) await closeAbandonedInvocations(tx, rows.map((r) => r.id));
    for (const r of rows) await recordTransition(tx, { entity: "run", id: r.id, from: ["queued", "running"], to: "running", by: owner });
    return rows;
  });
}

/**
 * Worker attempts an earlier executor of these runs left `running` (it died, or was
 * fenced off before it could close them) end as `lease_lost`: at a claim, in its
 * transaction (from there on only the new epoch's attempts run), and again when the run
 * finishes, so none is left looking like work in progress. A row another transaction
 * still holds (a stopped process's, until the server ends it) is skipped, never waited
 * for: a claim must not wait on the process it replaces. `sweepAbandonedInvocations`
 * catches those later.
 */
export async function closeAbandonedInvocations(tx: Tx, runIds: string[]): Promise<void> {
  const closed = await tx.$queryRaw<Array<{ id: string; runId: string }>>`
    UPDATE worker_invocations SET status = 'lease_lost', "finishedAt" = now(), error = coalesce(error, 'its executor lost the run''s lease')
    WHERE id IN (
      SELECT id FROM worker_invocations WHERE "runId" = ANY(${runIds}::text[]) AND status = 'running' FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "runId"`;
  for (const c of closed) await recordTransition(tx, { entity: "invocation", id: c.id, from: "running", to: "lease_lost", runId: c.runId });
}

/** Closes attempts still `running` in runs that finished in the last day (those a claim or a finish had to skip). */
export async function sweepAbandonedInvocations(db: Db): Promise<number> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ runId: string }>>`
      SELECT DISTINCT wi."runId" FROM worker_invocations wi JOIN runs r ON r.id = wi."runId"
      WHERE wi.status = 'running' AND r.status IN ('completed', 'awaiting_review', 'failed') AND r."finishedAt" > now() - interval '1 day'`;
    if (rows.length) await closeAbandonedInvocations(tx, rows.map((r) => r.runId));
    return rows.length;
  });
}

/** The owners of unexpired leases on running runs recorded under one host and kernel view (`host:pid:nonce:view`). */
export async function liveLeaseOwners(db: Db, now: Date, local: { host: string; view: string }): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ owner: string }>>`
    SELECT DISTINCT "leaseOwner" AS owner FROM runs
    WHERE status = 'running' AND "leaseExpiresAt" >= ${now}
      AND "leaseOwner" LIKE ${`${local.host}:%`} AND "leaseOwner" LIKE ${`%:${local.view}`}`;
  return rows.map((r) => r.owner);
}

/** Extends `lease` while it is current; false once a newer claim (or the finish) ended it. */
export async function renewLease(db: Db, lease: RunLease, leaseMs: number, now: Date): Promise<boolean> {
  const r = await db.run.updateMany({
    where: { id: lease.runId, leaseOwner: lease.owner, attempts: lease.epoch, status: "running" },
    data: { leaseExpiresAt: new Date(now.getTime() + leaseMs) },
  });
  return r.count === 1;
}

/** Gives a lease back at once (the run stays `running`), so recovery takes it up again without waiting. */
export async function releaseLease(db: Db, lease: RunLease): Promise<boolean> {
  const r = await db.run.updateMany({ where: { id: lease.runId, leaseOwner: lease.owner, attempts: lease.epoch, status: "running" }, data: { leaseExpiresAt: new Date(0) } });
  return r.count === 1;
}

/** Moves a run from one step to the next while `lease` is current. */
export async function advanceStep(
  db: Db | Tx,
  lease: RunLease,
  from: RunStep,
  to: RunStep,
  data: Omit<Prisma.RunUpdateManyMutationInput, "status" | "step"> = {},
): Promise<void> {
  const r = await db.run.updateMany({ where: { id: lease.runId, leaseOwner: lease.owner, attempts: lease.epoch, status: "running", step: from }, data: { ...data, step: to } });
  if (r.count !== 1) throw new LeaseLostError(lease.runId, lease.epoch);
}

/** Ends the executor's hold: the run is completed, awaiting review, or failed. */
export async function finishRun(
  db: Db | Tx,
  lease: RunLease,
  status: FinishedRunStatus,
  data: Omit<Prisma.RunUpdateManyMutationInput, "status" | "step"> = {},
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const r = await tx.run.updateMany({
      where: { id: lease.runId, leaseOwner: lease.owner, attempts: lease.epoch, status: "running" },
      data: { ...data, status, leaseOwner: null, leaseExpiresAt: null },
    });
    if (r.count !== 1) throw new LeaseLostError(lease.runId, lease.epoch);
    await recordTransition(tx, { entity: "run", id: lease.runId, from: "running", to: status, by: lease.owner });
  });
}

/**
 * A run that waited for people completes once none of its review items is pending
 * (awaiting_review → completed). Returns whether this call made the change.
 */
export async function completeRunIfSettled(tx: Tx, runId: string, by: string): Promise<boolean> {
  // The run's row lock orders concurrent decisions on one run: the last to commit
  // sees every other decision and is the one that completes it. NO KEY UPDATE is the
  // strength appendEvent's UPDATE already holds: asking for FOR UPDATE would be an
  // upgrade, which deadlocks against a second decision queued on the same row.
  await tx.$executeRaw`SELECT 1 FROM runs WHERE id = ${runId} FOR NO KEY UPDATE`;
  const open = await tx.reviewItem.count({ where: { runId, status: "pending" } });
  if (open > 0) return false;
  const r = await tx.run.updateMany({ where: { id: runId, status: "awaiting_review" }, data: { status: "completed", finishedAt: new Date() } });
  if (r.count !== 1) return false;
  await recordTransition(tx, { entity: "run", id: runId, from: "awaiting_review", to: "completed", by });
  return true;
}

/**
 * Pins a run to a settings version, once: returns the version it is pinned to (a pin
 * made earlier, by this or another process, wins and is returned).
 */
export async function pinSettingsVersion(db: Db | Tx, runId: string, version: number): Promise<number> {
  await db.run.updateMany({ where: { id: runId, settingsVersion: null }, data: { settingsVersion: version } });
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { settingsVersion: true } });
  return run.settingsVersion ?? version;
}

/**
 * Records the run's trace (the trace id and the first attempt's run span), once and
 * only while `lease` is current: a run resumed elsewhere keeps the first trace it
 * recorded, and its later attempts continue that trace.
 */
export async function recordRunTrace(db: Db | Tx, lease: RunLease, ids: { traceId: string; spanId: string }): Promise<boolean> {
  const r = await db.run.updateMany({ where: { id: lease.runId, leaseOwner: lease.owner, attempts: lease.epoch, status: "running", traceId: null }, data: ids });
  return r.count === 1;
}
