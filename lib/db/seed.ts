import bcrypt from "bcryptjs";
import { dateOnly } from "../clock";
import type { World } from "../world/fixture";
import type { Db, Tx } from "./client";

export const STAFF_ROLES = ["reviewer", "auditor", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Demo staff accounts; passwords come from the environment or these defaults (see README). */
function staffAccounts(env: NodeJS.ProcessEnv = process.env) {
  return [
    { email: "reviewer@switchboard.local", name: "Riley Reviewer", role: "reviewer" as const, password: env.SEED_REVIEWER_PASSWORD ?? "reviewer-demo" },
    { email: "auditor@switchboard.local", name: "Avery Auditor", role: "auditor" as const, password: env.SEED_AUDITOR_PASSWORD ?? "auditor-demo" },
    { email: "admin@switchboard.local", name: "Alex Admin", role: "admin" as const, password: env.SEED_ADMIN_PASSWORD ?? "admin-demo" },
  ];
}

// Tables in delete order (children first). Run-store tables go too on a reset:
// a run that referred to the old world would no longer be true. Staff accounts stay.
const ALL_TABLES = [
  "run_events", "tool_calls", "model_calls", "worker_invocations", "review_items", "runs", "usage_alerts",
  "messages", "conversations", "side_effects", "worker_cache", "world_version",
  "dispatches", "plan_changes", "credits", "payments", "invoice_lines", "invoices",
  "line_states", "customer_add_ons", "customers", "technician_slots", "outages",
  "add_ons", "plans", "policy_settings", "rate_limits",
];

async function loadWorld(tx: Tx, world: World) {
  await tx.policySetting.create({ data: { id: "default", ...world.policy } });
  await tx.plan.createMany({ data: world.plans });
  await tx.addOn.createMany({ data: world.addOns });
  await tx.outage.createMany({
    data: world.outages.map((o) => ({ ...o, startedAt: new Date(o.startedAt), etaAt: o.etaAt ? new Date(o.etaAt) : null })),
  });
  await tx.technicianSlot.createMany({ data: world.technicianSlots.map((s) => ({ ...s, startsAt: new Date(s.startsAt) })) });
  await tx.worldVersion.create({ data: { id: "world", version: 0 } });
  for (const c of world.customers) {
    await tx.customer.create({
      data: {
        id: c.id, name: c.name, email: c.email, zone: c.zone, planId: c.planId, status: c.status, notes: c.notes,
        contractEndsOn: dateOnly(c.contractEndsOn),
        planChangedOn: c.planChangedOn ? dateOnly(c.planChangedOn) : null,
        previousPlanId: c.previousPlanId ?? null,
        addOns: { create: c.addOns.map((a) => ({ addOnId: a, since: c.addOnsSince?.[a] ? dateOnly(c.addOnsSince[a]) : null })) },
        line: { create: c.line },
      },
    });
    for (const inv of c.invoices) {
      await tx.invoice.create({
        data: {
          id: inv.id, customerId: c.id, period: inv.period, dueOn: dateOnly(inv.dueOn),
          lines: { create: inv.lines.map((l, position) => ({ ...l, position })) },
        },
      });
    }
    await tx.payment.createMany({
      data: c.payments.map((p) => ({ customerId: c.id, invoiceId: p.invoiceId, paidOn: dateOnly(p.paidOn), amountCents: p.amountCents })),
    });
    await tx.credit.createMany({
      data: (c.credits ?? []).map((cr) => ({ customerId: c.id, amountCents: cr.amountCents, reason: cr.reason, issuedOn: dateOnly(cr.issuedOn), source: "seed" })),
    });
  }
}

async function loadStaff(tx: Tx, env: NodeJS.ProcessEnv) {
  // Existing accounts keep their password: a restart must not undo a change.
  const existing = new Set((await tx.staffUser.findMany({ select: { email: true } })).map((u) => u.email));
  for (const s of staffAccounts(env)) {
    if (existing.has(s.email)) continue;
    const passwordHash = await bcrypt.hash(s.password, 10);
    await tx.staffUser.create({ data: { email: s.email, name: s.name, role: s.role, passwordHash } });
  }
}

/**
 * Loads the world and the staff accounts if the database has none yet. Safe to call
 * at every start and from several processes: a transaction-scoped advisory lock makes
 * concurrent callers wait, and the emptiness check happens under it.
 */
export async function seedIfEmpty(db: Db, world: World, env = process.env): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(72707370)");
      const seeded = (await tx.plan.count()) > 0;
      if (!seeded) await loadWorld(tx, world);
      await loadStaff(tx, env);
      return !seeded;
    },
    { timeout: 60_000 },
  );
}

/** Wipes the world and every run, then loads the world again (staff accounts are kept). */
export async function resetWorld(db: Db, world: World, env = process.env): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(72707370)");
      await tx.$executeRawUnsafe(`TRUNCATE ${ALL_TABLES.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY CASCADE`);
      await loadWorld(tx, world);
      await loadStaff(tx, env);
    },
    { timeout: 60_000 },
  );
}
