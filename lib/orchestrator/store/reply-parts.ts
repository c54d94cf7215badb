import type { Db } from "../../db/client";
import type { StoredRunEvent } from "../events";
import { appendEvent } from "./events";
import { RunStoreError } from "./runs";

export type ReplyPartRow = { index: number; attempt: number; taskIds: string[]; text: string };

/** The reply's parts written so far, in order. */
export async function listReplyParts(db: Db, runId: string): Promise<ReplyPartRow[]> {
  return db.replyPart.findMany({ where: { runId }, orderBy: { index: "asc" }, select: { index: true, attempt: true, taskIds: true, text: true } });
}

/**
 * Stores one final part of the reply and its `reply_part` event in one transaction,
 * while `owner` holds the run's lease. A process that lost its lease writes nothing,
 * and an index is written once (the primary key), so the customer never reads a part
 * twice, whoever resumes the run.
 */
export async function saveReplyPart(
  db: Db,
  part: ReplyPartRow & { runId: string; owner: string },
  at: Date,
): Promise<StoredRunEvent> {
  return db.$transaction(async (tx) => {
    const held = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM runs WHERE id = ${part.runId} AND "leaseOwner" = ${part.owner} AND status = 'running' FOR NO KEY UPDATE`;
    if (held.length === 0) throw new RunStoreError("lease_lost");
    await tx.replyPart.create({ data: { runId: part.runId, index: part.index, attempt: part.attempt, taskIds: part.taskIds, text: part.text } });
    return appendEvent(tx, part.runId, { type: "reply_part", attempt: part.attempt, index: part.index, taskIds: part.taskIds, text: part.text }, at);
  });
}
