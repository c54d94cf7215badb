import { randomUUID } from "node:crypto";
import { auditEntrySchema } from "../../db/audit";
import { Prisma } from "../../generated/prisma/client";
import type { Db, Tx } from "../../db/client";
import { LeaseLostError, leaseHeld, type RunLease } from "../../db/run-lease";
import { runEventSchema, type NewRunEvent, type StoredRunEvent } from "../events";

/**
 * Appends one event with the next sequence number of its run. The number comes
 * from the run's own row (`lastEventSeq`), incremented in the same statement as the
 * insert: the row lock serializes appenders, so the sequence stays dense with no
 * retry, and inside a caller's transaction (a review decision) the event commits or
 * rolls back with it. Every event but a reply fragment (`message_delta`: the whole
 * reply is on `run_finished`) is also an audit entry, written by the same statement
 * (one round trip, atomic on its own or inside the caller's transaction; the chain
 * seals it at commit like any other entry).
 */
export async function appendEvent(db: Db | Tx, runId: string, event: NewRunEvent, at: Date, opts: AppendOptions = {}): Promise<StoredRunEvent> {
  const [stored] = await appendEvents(db, runId, [event], at, opts);
  return stored;
}

export interface AppendOptions {
  /** The tool call whose row is written with the events (appendEvents). */
  toolCall?: ToolCallRow;
  /**
   * The run's executor's lease: the events are stored only while it is current (a
   * fenced-off executor's events are refused with LeaseLostError, none stored). Without
   * it (a reviewer's decision, a review retry) the run may be in any state.
   */
  lease?: RunLease;
}

/** The tool_calls row of one call, written with the events that report it (appendEvents). */
export interface ToolCallRow {
  invocationId: string;
  server: string;
  tool: string;
  args: unknown;
  result: unknown;
  isError: boolean;
  latencyMs: number;
}

/**
 * Appends several events of one run in one statement, with dense sequence numbers in
 * the order given, each audited as appendEvent would; with `toolCall`, the statement
 * also writes that tool call's row, so a call's record and the events that report it
 * commit together or not at all (one round trip instead of one per row).
 */
export async function appendEvents(db: Db | Tx, runId: string, events: NewRunEvent[], at: Date, opts: AppendOptions = {}): Promise<StoredRunEvent[]> {
  const { toolCall, lease } = opts;
  const full = events.map((e) => runEventSchema.parse({ ...e, at: at.toISOString() }));
  const actors = full.map((e) => (e.type === "review_decided" ? e.by : "system"));
  for (const [i, e] of full.entries()) {
    auditEntrySchema.parse({ kind: "event", actor: actors[i], runId, subject: `event:${Number.MAX_SAFE_INTEGER}:${e.type}`, payload: null });
  }
  const n = full.length;
  // The lease check is part of the numbering UPDATE: its row lock orders it against a claim.
  const fence = !lease
    ? Prisma.empty
    : lease.reviewId
      ? Prisma.sql` AND ${leaseHeld(lease)}`
      : Prisma.sql` AND attempts = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running'`;
  const row = toolCall
    ? // FROM next: the row is written only when the events are (a fenced-off writer's is not).
      Prisma.sql`, call AS (
        INSERT INTO tool_calls (id, "invocationId", "runId", server, tool, args, result, "isError", "latencyMs", "createdAt")
        SELECT ${randomUUID()}, ${toolCall.invocationId}, ${runId}, ${toolCall.server}, ${toolCall.tool}, ${JSON.stringify(toolCall.args ?? {})}::jsonb,
          ${JSON.stringify(toolCall.result ?? null)}::jsonb, ${toolCall.isError}, ${toolCall.latencyMs}, ${at}
        FROM next
      )`
    : Prisma.empty;
  const rows = await db.$queryRaw<Array<{ seq: number }>>`
    WITH next AS (
      UPDATE runs SET "lastEventSeq" = "lastEventSeq" + ${n}::int WHERE id = ${runId}${fence} RETURNING "lastEventSeq"
    ), input AS (
      SELECT * FROM unnest(${full.map((e) => e.type)}::text[], ${full.map((e) => JSON.stringify(e))}::jsonb[], ${actors}::text[]) WITH ORDINALITY AS i(type, data, actor, n)
    ), event AS (
      INSERT INTO run_events ("runId", seq, type, data)
      SELECT ${runId}, next."lastEventSeq" - ${n}::int + input.n::int, input.type, input.data FROM next, input, pg_notify('run_events', ${runId})
      ORDER BY input.n
      RETURNING seq, type, data
    ), entry AS (
      INSERT INTO audit_log (kind, actor, "runId", subject, payload, "payloadHash")
      SELECT 'event', input.actor, ${runId}, 'event:' || event.seq || ':' || event.type, event.data, ''
      FROM event JOIN next ON true JOIN input ON event.seq = next."lastEventSeq" - ${n}::int + input.n::int
      WHERE event.type <> 'message_delta'
      ORDER BY event.seq
    )${row}
    SELECT seq FROM event ORDER BY seq`;
  if (rows.length !== n) {
    if (lease) throw new LeaseLostError(runId, lease.epoch);
    throw new Error(`cannot append events to run ${runId}: no such run`);
  }
  return full.map((e, i) => ({ ...e, seq: rows[i].seq }));
}

export async function listEvents(db: Db, runId: string, afterSeq = 0): Promise<StoredRunEvent[]> {
  const rows = await db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ ...(r.data as object), seq: r.seq }) as StoredRunEvent);
}
