import { appendAudit, inTransaction } from "../../db/audit";
import type { Db, Tx } from "../../db/client";
import { runEventSchema, type NewRunEvent, type StoredRunEvent } from "../events";

/**
 * Appends one event with the next sequence number of its run. The number comes
 * from the run's own row (`lastEventSeq`), incremented in the same statement as the
 * insert: the row lock serializes appenders, so the sequence stays dense with no
 * retry, and inside a caller's transaction (a review decision) the event commits or
 * rolls back with it. Every event but a reply fragment (`message_delta`: the whole
 * reply is on `run_finished`) is also an audit entry, in the same transaction.
 */
export async function appendEvent(db: Db | Tx, runId: string, event: NewRunEvent, at: Date): Promise<StoredRunEvent> {
  const full = runEventSchema.parse({ ...event, at: at.toISOString() });
  const audited = full.type !== "message_delta";
  const write = async (q: Db | Tx) => {
    const rows = await q.$queryRaw<Array<{ seq: number }>>`
      WITH next AS (
        UPDATE runs SET "lastEventSeq" = "lastEventSeq" + 1 WHERE id = ${runId} RETURNING "lastEventSeq"
      )
      INSERT INTO run_events ("runId", seq, type, data)
      SELECT ${runId}, next."lastEventSeq", ${full.type}, ${JSON.stringify(full)}::jsonb FROM next, pg_notify('run_events', ${runId})
      RETURNING seq`;
    if (!rows[0]) throw new Error(`cannot append an event to run ${runId}: no such run`);
    if (audited) {
      const actor = full.type === "review_decided" ? full.by : "system";
      await appendAudit(q, { kind: "event", actor, runId, subject: `event:${rows[0].seq}:${full.type}`, payload: full });
    }
    return { ...full, seq: rows[0].seq };
  };
  return audited ? inTransaction(db, write) : write(db);
}

export async function listEvents(db: Db, runId: string, afterSeq = 0): Promise<StoredRunEvent[]> {
  const rows = await db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ ...(r.data as object), seq: r.seq }) as StoredRunEvent);
}
