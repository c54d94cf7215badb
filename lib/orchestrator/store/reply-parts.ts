import type { Db } from "../../db/client";
import { fenceTransaction, type RunLease } from "../../db/run-lease";
import type { StoredRunEvent } from "../events";
import { appendEvent } from "./events";

export type ReplyPartRow = { index: number; attempt: number; taskIds: string[]; text: string };

/** The reply's parts written so far, in order. */
export async function listReplyParts(db: Db, runId: string): Promise<ReplyPartRow[]> {
  return db.replyPart.findMany({ where: { runId }, orderBy: { index: "asc" }, select: { index: true, attempt: true, taskIds: true, text: true } });
}

/**
 * Stores one final part of the reply and its `reply_part` event in one transaction,
 * while `lease` is current. A process that lost its lease writes nothing,
 * and an index is written once (the primary key), so the customer never reads a part
 * twice, whoever resumes the run.
 */
export async function saveReplyPart(
  db: Db,
  part: ReplyPartRow & { lease: RunLease },
  at: Date,
): Promise<StoredRunEvent> {
  const { lease } = part;
  return db.$transaction(async (tx) => {
    await fenceTransaction(tx, lease);
    await tx.replyPart.create({ data: { runId: lease.runId, index: part.index, attempt: part.attempt, taskIds: part.taskIds, text: part.text } });
    return appendEvent(tx, lease.runId, { type: "reply_part", attempt: part.attempt, index: part.index, taskIds: part.taskIds, text: part.text }, at, { lease });
  });
}
