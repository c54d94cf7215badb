import type { Db } from "../client";

/**
 * Model tokens (in + out) the customer's runs created since `since` have used so far,
 * runs still in flight included. Reads the (customerId, createdAt) index.
 */
export async function customerTokensSince(db: Db, customerId: string, since: Date): Promise<number> {
  const sum = await db.run.aggregate({ where: { customerId, createdAt: { gte: since } }, _sum: { tokensIn: true, tokensOut: true } });
  return (sum._sum.tokensIn ?? 0) + (sum._sum.tokensOut ?? 0);
}
