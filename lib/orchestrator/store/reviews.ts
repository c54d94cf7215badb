import type { Prisma, ReviewItem, ReviewKind } from "../../generated/prisma/client";
import { appendAudit } from "../../db/audit";
import type { Db, Tx } from "../../db/client";
import { REVIEW_QUEUE_TOPIC, RUN_EVENTS_CHANNEL } from "../../db/run-notifications";
import { recordTransition } from "./transition";
import type { ReviewerDecidedStatus } from "../../contracts";

// Review items: created once per (run, task, kind), decided once (pending →
// approved | rejected, or withdrawn by the customer), followed up once.

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
  if (count === 1) await notifyReviewQueue(db);
  return { item: await db.reviewItem.findUniqueOrThrow({ where: key }), created: count === 1 };
}

/**
 * Tells every app process's queue followers that the pending set changed. Sent on the
 * run-event channel with a topic that no run id can equal; inside a transaction it is
 * delivered at commit, so nobody rereads before the change is visible.
 */
export async function notifyReviewQueue(db: Db | Tx): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${RUN_EVENTS_CHANNEL}, ${REVIEW_QUEUE_TOPIC})`;
}

/** The reviewer acting on an item: their staff_users row. */
export interface Reviewer {
  id: string;
  email: string;
  name: string;
}

export type ClaimRefusal =
  | { error: "not_found" }
  | { error: "already_decided" }
  | { error: "withdrawn" }
  | { error: "claimed_by_other"; by: string; until: Date }
  | { error: "not_claimed" }
  | { error: "stale"; version: number };

/** Why a claim or decision compare-and-set found nothing to change, read after the fact. */
export async function claimRefusal(db: Db | Tx, reviewId: string, staffId: string, now: Date, expectedVersion?: number): Promise<ClaimRefusal> {
  const item = await db.reviewItem.findUnique({ where: { id: reviewId }, select: { status: true, claimedById: true, claimedByName: true, claimExpiresAt: true, version: true } });
  if (!item) return { error: "not_found" };
  if (item.status === "withdrawn") return { error: "withdrawn" };
  if (item.status !== "pending") return { error: "already_decided" };
  const held = item.claimedById !== null && item.claimExpiresAt !== null && item.claimExpiresAt > now;
  if (held && item.claimedById !== staffId) return { error: "claimed_by_other", by: item.claimedByName ?? "another reviewer", until: item.claimExpiresAt! };
  if (expectedVersion !== undefined && item.version !== expectedVersion) return { error: "stale", version: item.version };
  return { error: "not_claimed" };
}

/**
 * Claims a pending item for `by` until now + `minutes`: only when nobody holds it, the
 * holder's claim has lapsed, or `by` holds it already (which extends it). Returns the
 * item, or null when the compare-and-set found it decided or held by someone else.
 */
export async function claimReviewItem(
  tx: Tx,
  input: { reviewId: string; by: Reviewer; minutes: number; now: Date; expectedVersion?: number },
): Promise<ReviewItem | null> {
  const { reviewId, by, now } = input;
  const until = new Date(now.getTime() + input.minutes * 60_000);
  const r = await tx.reviewItem.updateMany({
    where: {
      id: reviewId,
      status: "pending",
      ...(input.expectedVersion !== undefined ? { version: input.expectedVersion } : {}),
      OR: [{ claimedById: null }, { claimExpiresAt: { lte: now } }, { claimedById: by.id }],
    },
    data: { claimedById: by.id, claimedByEmail: by.email, claimedByName: by.name, claimExpiresAt: until, version: { increment: 1 } },
  });
  if (r.count !== 1) return null;
  const item = await tx.reviewItem.findUniqueOrThrow({ where: { id: reviewId } });
  await appendAudit(tx, { kind: "review_claimed", actor: by.email, runId: item.runId, subject: `review:${reviewId}`, payload: { until: until.toISOString(), version: item.version } });
  await notifyReviewQueue(tx);
  return item;
}

/**
 * Gives a pending item's claim back. The holder may always release it; `asAdmin` may
 * release anyone's. Returns the item, or null when there was nothing to release.
 */
export async function releaseReviewItem(
  tx: Tx,
  input: { reviewId: string; by: Reviewer; asAdmin: boolean; reason?: string },
): Promise<ReviewItem | null> {
  const before = await tx.reviewItem.findUnique({ where: { id: input.reviewId }, select: { claimedByEmail: true } });
  const r = await tx.reviewItem.updateMany({
    where: { id: input.reviewId, status: "pending", claimedById: input.asAdmin ? { not: null } : input.by.id },
    data: { claimedById: null, claimedByEmail: null, claimedByName: null, claimExpiresAt: null, version: { increment: 1 } },
  });
  if (r.count !== 1) return null;
  const item = await tx.reviewItem.findUniqueOrThrow({ where: { id: input.reviewId } });
  await appendAudit(tx, {
    kind: "review_released", actor: input.by.email, runId: item.runId, subject: `review:${input.reviewId}`,
    payload: { heldBy: before?.claimedByEmail ?? null, reason: input.reason ?? null, version: item.version },
  });
  await notifyReviewQueue(tx);
  return item;
}

/**
 * pending → approved | rejected, by the reviewer who holds a live claim on it (and,
 * when given, at the version the reviewer's page showed); null when the
 * compare-and-set matched nothing: decided already, not claimed, claimed by someone
 * else, or changed since.
 */
export async function decideReviewItem(
  tx: Tx,
  input: {
    reviewId: string; status: ReviewerDecidedStatus; by: Reviewer; note: string | null; now: Date;
    expectedVersion?: number; resolution?: string; reply?: string | null;
  },
): Promise<ReviewItem | null> {
  const r = await tx.reviewItem.updateMany({
    where: {
      id: input.reviewId, status: "pending", claimedById: input.by.id, claimExpiresAt: { gt: input.now },
      ...(input.expectedVersion !== undefined ? { version: input.expectedVersion } : {}),
    },
    data: {
      status: input.status, decidedBy: input.by.email, note: input.note, decidedAt: input.now, version: { increment: 1 },
      resolution: input.resolution ?? (input.status === "approved" ? "approve" : "reject"), reply: input.reply ?? null,
    },
  });
  if (r.count !== 1) return null;
  await recordTransition(tx, { entity: "review", id: input.reviewId, from: "pending", to: input.status, by: input.by.email });
  await notifyReviewQueue(tx);
  return tx.reviewItem.findUniqueOrThrow({ where: { id: input.reviewId } });
}

/**
 * pending → withdrawn, by the customer whose item it is, from the run in which they took
 * it back (`byRunId`), with their words: whoever holds a claim on it, since the request
 * is theirs to drop; the reviewer's decision then finds it decided. Nothing follows up
 * (the withdrawing run's reply says it). Null when the item is not this customer's or
 * is no longer pending.
 */
export async function withdrawReviewItem(
  tx: Tx,
  input: { reviewId: string; customerId: string; byRunId: string; words: string; now: Date },
): Promise<ReviewItem | null> {
  const r = await tx.reviewItem.updateMany({
    where: { id: input.reviewId, customerId: input.customerId, status: "pending" },
    data: {
      status: "withdrawn", decidedBy: "customer", note: input.words, decidedAt: input.now, followedUpAt: input.now,
      version: { increment: 1 }, resolution: "withdrawn", withdrawnByRunId: input.byRunId, claimExpiresAt: null,
    },
  });
  if (r.count !== 1) return null;
  await recordTransition(tx, { entity: "review", id: input.reviewId, from: "pending", to: "withdrawn", by: `customer:${input.customerId}` });
  await notifyReviewQueue(tx);
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

export function countPendingReviews(db: Db | Tx, runId: string): Promise<number> {
  return db.reviewItem.count({ where: { runId, status: "pending" } });
}
