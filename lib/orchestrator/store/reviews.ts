import type { Prisma, ReviewItem, ReviewKind } from "../../generated/prisma/client";
import type { Db, Tx } from "../../db/client";
import { recordTransition } from "./transition";

// Review items: created once per (run, task, kind), decided once (pending →
// approved | rejected), followed up once.

export interface NewReviewItem {
  runId: string;
  taskId: string;
  customerId: string;
  kind: ReviewKind;
  summary: string;
  proposedAction?: unknown;
  context: unknown;
}

/**
 * Creates the review item unless the run already has one for this task and kind; `created`
 * says which. One INSERT … ON CONFLICT DO NOTHING, so it is safe inside a transaction
 * (a conflict never aborts it) and two executors cannot both create it.
 */
export async function requestReviewItem(db: Db | Tx, input: NewReviewItem): Promise<{ item: ReviewItem; created: boolean }> {
  const key = { runId_taskId_kind: { runId: input.runId, taskId: input.taskId, kind: input.kind } };
  const { count } = await db.reviewItem.createMany({
    data: [{
      runId: input.runId, taskId: input.taskId, customerId: input.customerId, kind: input.kind, summary: input.summary,
      proposedAction: (input.proposedAction ?? undefined) as Prisma.InputJsonValue | undefined,
      context: input.context as Prisma.InputJsonValue,
    }],
    skipDuplicates: true,
  });
  return { item: await db.reviewItem.findUniqueOrThrow({ where: key }), created: count === 1 };
}

/** pending → approved | rejected, by one reviewer; null when the item is not pending (or does not exist). */
export async function decideReviewItem(
  tx: Tx,
  input: { reviewId: string; status: "approved" | "rejected"; by: string; note: string | null },
): Promise<ReviewItem | null> {
  const r = await tx.reviewItem.updateMany({
    where: { id: input.reviewId, status: "pending" },
    data: { status: input.status, decidedBy: input.by, note: input.note, decidedAt: new Date() },
  });
  if (r.count !== 1) return null;
  await recordTransition(tx, { entity: "review", id: input.reviewId, from: "pending", to: input.status, by: input.by });
  return tx.reviewItem.findUniqueOrThrow({ where: { id: input.reviewId } });
}

/** Keeps what carrying out the approved action returned, beside the item's context. */
export async function recordReviewOutcome(tx: Tx, item: ReviewItem, outcome: { applied: boolean; reason?: string } | null) {
  await tx.reviewItem.update({ where: { id: item.id }, data: { context: { ...(item.context as object), outcome } as Prisma.InputJsonValue } });
}

/**
 * The compare-and-set that owns a decided item's follow-up: exactly one caller gets
 * true, so the customer gets one follow-up and the log one review_decided event.
 */
export async function claimFollowUp(tx: Tx, reviewId: string): Promise<boolean> {
  const r = await tx.reviewItem.updateMany({
    where: { id: reviewId, status: { in: ["approved", "rejected"] }, followedUpAt: null },
    data: { followedUpAt: new Date() },
  });
  return r.count === 1;
}

export function reviewExists(db: Db | Tx, reviewId: string): Promise<boolean> {
  return db.reviewItem.count({ where: { id: reviewId } }).then((n) => n > 0);
}

export function countPendingReviews(db: Db | Tx, runId: string): Promise<number> {
  return db.reviewItem.count({ where: { runId, status: "pending" } });
}
