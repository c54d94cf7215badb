import { z } from "zod";
import type { Tx } from "../../db/client";
import { notFound } from "../errors";

// The customer's line and zone as the network tools see them. `fixableRemotely` is the
// simulator's hidden truth: tools act on it, but no tool reports it (a real line test
// cannot know whether a reset will help; the model finds out by trying).

export async function loadLine(db: Tx, customerId: string) {
  // Separate queries: a transaction's single connection must not see concurrent queries.
  const customer = await db.customer.findUnique({ where: { id: customerId }, include: { plan: true } });
  if (!customer) throw notFound("Customer", customerId);
  const line = await db.lineState.findUnique({ where: { customerId } });
  if (!line) throw notFound("Line for customer", customerId);
  const plan = { id: customer.plan.id, name: customer.plan.name, downMbps: customer.plan.downMbps };
  return { accountStatus: customer.status, zone: customer.zone, plan, line };
}

export type LoadedLine = Awaited<ReturnType<typeof loadLine>>;

export const lineSchema = z.object({
  lineStatus: z.string().describe("ok | degraded | down | suspended"),
  packetLossPct: z.number(),
  latencyMs: z.number().int().nullable(),
  downMbps: z.number().int(),
  planDownMbps: z.number().int(),
});

export function lineView(l: LoadedLine): z.infer<typeof lineSchema> {
  return {
    lineStatus: l.accountStatus === "suspended" ? "suspended" : l.line.status,
    packetLossPct: l.line.packetLossPct,
    latencyMs: l.line.latencyMs,
    downMbps: l.line.downMbps,
    planDownMbps: l.plan.downMbps,
  };
}

export async function activeOutage(db: Tx, zone: string) {
  return db.outage.findFirst({ where: { zone, status: "active" }, orderBy: { startedAt: "asc" } });
}
