import type { Tx } from "../db/client";

/** The part of a stored proposed action the comparison needs (approved-actions.ts has the full schema; importing it here would close a cycle through the tools). */
export type PendingAction = { type?: string; invoiceId?: string; amountCents?: number; toPlanId?: string };

/**
 * When the customer already has this very action waiting for a person (a review item
 * still pending, from any run or conversation of theirs), the time it was sent: the
 * tools answer `already_pending` instead of proposing it again, so asking twice while
 * a reviewer has not decided never makes a second item for the same credit or change.
 * Read under the customer's row lock (the caller holds it), like every policy check.
 */
export async function pendingSince(tx: Tx, customerId: string, same: (a: PendingAction) => boolean): Promise<Date | null> {
  const items = await tx.reviewItem.findMany({
    where: { customerId, status: "pending" },
    orderBy: { createdAt: "asc" },
    select: { proposedAction: true, createdAt: true },
  });
  for (const item of items) {
    const action = item.proposedAction as PendingAction | null;
    if (action && typeof action === "object" && same(action)) return item.createdAt;
  }
  return null;
}
