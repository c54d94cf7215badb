import { auditEntrySchema } from "../../db/audit";
import type { Db, Tx } from "../../db/client";
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
export async function appendEvent(db: Db | Tx, runId: string, event: NewRunEvent, at: Date): Promise<StoredRunEvent> {
  const full = runEventSchema.parse({ ...event, at: at.toISOString() });
  const audit = full.type === "message_delta" ? null : auditEntrySchema.parse({
    kind: "event",
    actor: full.type === "review_decided" ? full.by : "system",
    runId,
    // Its seq is known only in the statement; this checks the longest it can be.
    subject: `event:${Number.MAX_SAFE_INTEGER}:${full.type}`,
    payload: null,
  });
  const rows = audit
    ? await db.$queryRaw<Array<{ seq: number }>>`
      WITH next AS (
        UPDATE runs SET "lastEventSeq" = "lastEventSeq" + 1 WHERE id = ${runId} RETURNING "lastEventSeq"
      ), event AS (
        INSERT INTO run_events ("runId", seq, type, data)
        SELECT ${runId}, next."lastEventSeq", ${full.type}, ${JSON.stringify(full)}::jsonb FROM next, pg_notify('run_events', ${runId})
        RETURNING seq, data
      ), entry AS (
        INSERT INTO audit_log (kind, actor, "runId", subject, payload, "payloadHash")
        SELECT ${audit.kind}, ${audit.actor}, ${runId}, 'event:' || event.seq || ':' || ${full.type}, event.data, '' FROM event
      )
      SELECT seq FROM event`
    : await db.$queryRaw<Array<{ seq: number }>>`
      WITH next AS (
        UPDATE runs SET "lastEventSeq" = "lastEventSeq" + 1 WHERE id = ${runId} RETURNING "lastEventSeq"
      )
      INSERT INTO run_events ("runId", seq, type, data)
      SELECT ${runId}, next."lastEventSeq", ${full.type}, ${JSON.stringify(full)}::jsonb FROM next, pg_notify('run_events', ${runId})
      RETURNING seq`;
  if (!rows[0]) throw new Error(`cannot append an event to run ${runId}: no such run`);
  return { ...full, seq: rows[0].seq };
}

export async function listEvents(db: Db, runId: string, afterSeq = 0): Promise<StoredRunEvent[]> {
  const rows = await db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ ...(r.data as object), seq: r.seq }) as StoredRunEvent);
}
