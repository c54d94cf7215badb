import type { Prisma } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";
import { runEventSchema, type NewRunEvent, type StoredRunEvent } from "./events";

// The run store: small named queries over runs and their event log. Every status
// or step change is a compare-and-set (updateMany with the expected value in the
// where clause, then a count check), so two processes can never both advance a run.

export type RunStatus = "queued" | "running" | "awaiting_review" | "completed" | "failed";
export type RunStep = "created" | "planned" | "workers_done" | "synthesized" | "finished";

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
        const owned = await tx.conversation.count({ where: { id: conversationId, customerId: input.customerId } });
        if (!owned) throw new RunStoreError("conversation_not_found");
      } else {
        conversationId = (await tx.conversation.create({ data: { customerId: input.customerId } })).id;
      }
      const run = await tx.run.create({
        data: { conversationId, customerId: input.customerId, input: input.message, idempotencyKey: input.idempotencyKey },
      });
      await tx.message.create({ data: { conversationId, role: "user", content: input.message, runId: run.id } });
      return run;
    });
    return { run, created: true };
  } catch (err: any) {
    if (err?.code === "P2002" && input.idempotencyKey) {
      return { run: await db.run.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } }), created: false };
    }
    throw err;
  }
}

export class RunStoreError extends Error {
  constructor(readonly code: "conversation_not_found" | "lease_lost") {
    super(code);
  }
}

/** Appends one event with the next sequence number of its run (retrying on a race). */
export async function appendEvent(db: Db | Tx, runId: string, event: NewRunEvent, at: Date): Promise<StoredRunEvent> {
  const full = runEventSchema.parse({ ...event, at: at.toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await (db as Db).$queryRaw<Array<{ seq: number }>>`
        INSERT INTO run_events ("runId", seq, type, data)
        SELECT ${runId}, COALESCE(MAX(seq), 0) + 1, ${full.type}, ${JSON.stringify(full)}::jsonb
        FROM run_events WHERE "runId" = ${runId}
        RETURNING seq`;
      return { ...full, seq: rows[0].seq };
    } catch (err: any) {
      const unique = err?.code === "P2002" || /unique|duplicate key/i.test(String(err?.message));
      if (!unique || attempt >= 20) throw err;
    }
  }
}

export async function listEvents(db: Db, runId: string, afterSeq = 0): Promise<StoredRunEvent[]> {
  const rows = await db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ ...(r.data as object), seq: r.seq }) as StoredRunEvent);
}

/**
 * Takes the lease on a run that is queued, or running under an expired lease (its
 * process died). Returns false when someone else holds it.
 */
export async function claimRun(db: Db, runId: string, owner: string, leaseMs: number, now: Date): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE runs SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)},
      status = 'running', attempts = attempts + 1, "updatedAt" = now()
    WHERE id = ${runId}
      AND (status = 'queued' OR (status = 'running' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})))`;
  return n === 1;
}

/**
 * Claims up to `limit` runs that need an executor (queued, or running under an
 * expired lease). SKIP LOCKED lets several app processes claim concurrently
 * without blocking on, or double-claiming, the same rows.
 */
export async function claimRunnableRuns(db: Db, owner: string, leaseMs: number, now: Date, limit = 5): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    UPDATE runs SET "leaseOwner" = ${owner}, "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)},
      status = 'running', attempts = attempts + 1, "updatedAt" = now()
    WHERE id IN (
      SELECT id FROM runs
      WHERE status = 'queued' OR (status = 'running' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now}))
      ORDER BY "createdAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  return rows.map((r) => r.id);
}

export async function renewLease(db: Db, runId: string, owner: string, leaseMs: number, now: Date): Promise<boolean> {
  const r = await db.run.updateMany({
    where: { id: runId, leaseOwner: owner, status: "running" },
    data: { leaseExpiresAt: new Date(now.getTime() + leaseMs) },
  });
  return r.count === 1;
}

/** Moves a run from one step to the next while we hold its lease. */
export async function advanceStep(
  db: Db | Tx,
  runId: string,
  owner: string,
  from: RunStep,
  to: RunStep,
  data: Prisma.RunUpdateManyMutationInput = {},
): Promise<void> {
  const r = await db.run.updateMany({ where: { id: runId, leaseOwner: owner, step: from }, data: { ...data, step: to } });
  if (r.count !== 1) throw new RunStoreError("lease_lost");
}

/** Ends the executor's hold: the run is completed, awaiting review, or failed. */
export async function finishRun(
  db: Db | Tx,
  runId: string,
  owner: string,
  status: Exclude<RunStatus, "queued" | "running">,
  data: Prisma.RunUpdateManyMutationInput = {},
): Promise<void> {
  const r = await db.run.updateMany({
    where: { id: runId, leaseOwner: owner, status: "running" },
    data: { ...data, status, leaseOwner: null, leaseExpiresAt: null },
  });
  if (r.count !== 1) throw new RunStoreError("lease_lost");
}
