import "server-only";
import { getDb } from "../client";

export type PendingReview = {
  id: string;
  runId: string;
  kind: string;
  customerId: string;
  customerName: string | null;
  summary: string;
  proposedAction: unknown;
  createdAt: Date;
};

/** Pending review items, oldest first (the longest wait is decided first). */
export async function listPendingReviews({ limit = 100 }: { limit?: number } = {}): Promise<PendingReview[]> {
  const db = getDb();
  const items = await db.reviewItem.findMany({
    where: { status: "pending" },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, runId: true, kind: true, customerId: true, summary: true, proposedAction: true, createdAt: true },
  });
  // ReviewItem has no relation to Customer in the schema: look the names up in one query.
  const ids = [...new Set(items.map((i) => i.customerId))];
  const customers = ids.length
    ? await db.customer.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    : [];
  const names = new Map(customers.map((c) => [c.id, c.name]));
  return items.map((i) => ({ ...i, customerName: names.get(i.customerId) ?? null }));
}
