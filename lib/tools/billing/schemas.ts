import { z } from "zod";

// Output shapes of the billing tools (also their MCP outputSchema). Money in cents,
// dates as YYYY-MM-DD.

export const invoiceSchema = z.object({
  id: z.string(),
  period: z.string(),
  dueOn: z.string(),
  lines: z.array(z.object({ kind: z.string(), ref: z.string(), description: z.string(), amountCents: z.number().int() })),
  totalCents: z.number().int(),
  paidCents: z.number().int(),
  paidOn: z.string().nullable(),
  creditedCents: z.number().int(),
  outstandingCents: z.number().int(),
  overdue: z.boolean(),
});

export const creditSchema = z.object({
  id: z.string(),
  invoiceId: z.string().nullable(),
  amountCents: z.number().int(),
  reason: z.string(),
  issuedOn: z.string(),
  source: z.string(),
});

export const creditWindowSchema = z.object({
  usedCents: z.number().int(),
  limitCents: z.number().int(),
  remainingCents: z.number().int(),
  windowDays: z.number().int(),
});

export const discrepancySchema = z.object({
  invoiceId: z.string(),
  lineRef: z.string(),
  kind: z.enum(["late_fee_not_owed", "addon_not_on_account", "plan_price_mismatch"]),
  description: z.string(),
  amountCents: z.number().int(),
  credited: z.boolean(),
});

export const explanationSchema = z.object({
  invoiceId: z.string(),
  lineRef: z.string(),
  description: z.string(),
  amountCents: z.number().int(),
});
