import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

// The shape of fixtures/world.json, validated at load so a bad fixture fails loudly.
const cents = z.number().int();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const worldSchema = z.object({
  asOf: isoDate,
  policy: z.object({
    autoCreditLimitCents: cents,
    autoCreditWindowDays: z.number().int().positive(),
    etfPerRemainingMonthCents: cents,
    etfCapCents: cents,
    defaultConfidenceThreshold: z.number().min(0).max(1),
  }),
  plans: z.array(z.object({ id: z.string(), name: z.string(), downMbps: z.number().int(), upMbps: z.number().int(), monthlyCents: cents })),
  addOns: z.array(z.object({ id: z.string(), name: z.string(), monthlyCents: cents })),
  outages: z.array(
    z.object({ id: z.string(), zone: z.string(), status: z.string(), startedAt: z.string(), etaAt: z.string().nullable().optional(), summary: z.string() }),
  ),
  technicianSlots: z.array(z.object({ id: z.string(), zone: z.string(), startsAt: z.string() })),
  customers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      zone: z.string(),
      planId: z.string(),
      planChangedOn: isoDate.optional(),
      previousPlanId: z.string().optional(),
      addOns: z.array(z.string()),
      addOnsSince: z.record(z.string(), isoDate).optional(),
      contractEndsOn: isoDate,
      status: z.enum(["active", "suspended"]),
      invoices: z.array(
        z.object({
          id: z.string(),
          period: z.string(),
          dueOn: isoDate,
          lines: z.array(z.object({ kind: z.string(), ref: z.string(), description: z.string(), amountCents: cents })),
        }),
      ),
      payments: z.array(z.object({ invoiceId: z.string(), paidOn: isoDate, amountCents: cents })),
      credits: z.array(z.object({ issuedOn: isoDate, amountCents: cents, reason: z.string() })).optional(),
      line: z.object({
        status: z.string(),
        packetLossPct: z.number(),
        latencyMs: z.number().int().nullable(),
        downMbps: z.number().int(),
        fixableRemotely: z.boolean(),
      }),
      notes: z.string(),
    }),
  ),
});

export type World = z.infer<typeof worldSchema>;

let cached: World | undefined;

/** The demo world from fixtures/world.json. */
export function loadWorld(file = path.resolve("fixtures/world.json")): World {
  if (!cached || file !== path.resolve("fixtures/world.json")) {
    cached = worldSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  }
  return cached;
}
