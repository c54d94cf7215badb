import { beforeEach, describe, expect, it } from "vitest";
import bcrypt from "bcryptjs";
import { resetTestWorld, useTestDb } from "../../test/db";
import { loadWorld } from "../world/fixture";
import { seedIfEmpty } from "./seed";

const db = useTestDb();

describe("world seed", () => {
  beforeEach(() => resetTestWorld(db));

  it("loads every customer, invoice line and slot from the fixture", async () => {
    const world = loadWorld();
    expect(await db.customer.count()).toBe(world.customers.length);
    const lines = world.customers.flatMap((c) => c.invoices.flatMap((i) => i.lines));
    expect(await db.invoiceLine.count()).toBe(lines.length);
    const sum = await db.invoiceLine.aggregate({ _sum: { amountCents: true } });
    expect(sum._sum.amountCents).toBe(lines.reduce((s, l) => s + l.amountCents, 0));
    expect(await db.technicianSlot.count()).toBe(world.technicianSlots.length);
    const c1011 = await db.credit.findMany({ where: { customerId: "C-1011" } });
    expect(c1011.map((c) => c.amountCents)).toEqual([4000]);
  });

  it("is idempotent: seeding again adds nothing", async () => {
    const before = await db.invoice.count();
    expect(await seedIfEmpty(db, loadWorld())).toBe(false);
    expect(await db.invoice.count()).toBe(before);
    expect(await db.staffUser.count()).toBe(3);
  });

  it("stores hashed staff passwords with their roles", async () => {
    const reviewer = await db.staffUser.findUniqueOrThrow({ where: { email: "reviewer@switchboard.local" } });
    expect(reviewer.role).toBe("reviewer");
    expect(reviewer.passwordHash).not.toContain("reviewer-demo");
    expect(await bcrypt.compare("reviewer-demo", reviewer.passwordHash)).toBe(true);
  });
});
