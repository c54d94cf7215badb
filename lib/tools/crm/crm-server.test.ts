import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../../test/db";
import { connectTestClient, testContext } from "../test-helpers";

const db = useTestDb();
let clients: Array<{ close(): Promise<void> }> = [];

async function crm(customerId: string, taskId = "t1") {
  const c = await connectTestClient("crm", testContext(db, customerId, { runId: `run-${customerId}`, taskId }));
  clients.push(c);
  return c;
}

describe("CRM MCP server", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });

  it("returns the profile without internal notes", async () => {
    const { data } = await (await crm("C-1005")).call("get_profile");
    expect(data).toMatchObject({
      name: "Aisha Karim",
      zone: "west-1",
      status: "active",
      plan: { id: "fiber-500", monthlyCents: 7500 },
      contractEndsOn: "2028-03-31",
      inContract: true,
      remainingContractMonths: 16,
      overdueCents: 0,
    });
    expect(JSON.stringify(data)).not.toMatch(/notes|early-termination fee \(16/i);
    expect((await (await crm("C-1008")).call("get_profile")).data).toMatchObject({ status: "suspended", overdueCents: 14000 });
  });

  it("lists the catalogue, marking the current plan", async () => {
    const { data } = await (await crm("C-1006")).call("list_plans");
    expect(data.currentPlanId).toBe("fiber-300");
    expect(data.plans.map((p: { id: string }) => p.id)).toEqual(["basic-100", "fiber-300", "fiber-500", "gig-1000"]);
    expect(data.plans.filter((p: { current: boolean }) => p.current)).toHaveLength(1);
  });

  it("quotes C-1005's downgrade at 16 months x $10 = $160, needing approval", async () => {
    const { data } = await (await crm("C-1005")).call("quote_plan_change", { toPlanId: "fiber-300" });
    expect(data).toMatchObject({
      fromPlan: { id: "fiber-500" },
      toPlan: { id: "fiber-300" },
      direction: "downgrade",
      remainingMonths: 16,
      feeCents: 16000,
      decision: "needs_approval",
    });
    const up = (await (await crm("C-1005")).call("quote_plan_change", { toPlanId: "gig-1000" })).data;
    expect(up).toMatchObject({ direction: "upgrade", feeCents: 0, decision: "allowed" });
  });

  it("proposes C-1005's downgrade for approval and changes nothing", async () => {
    const { data } = await (await crm("C-1005")).call("change_plan", { toPlanId: "fiber-300" });
    expect(data).toMatchObject({
      status: "needs_approval",
      reviewKind: "downgrade_fee",
      proposedAction: { type: "plan_change", toPlanId: "fiber-300", feeCents: 16000 },
      replayed: false,
    });
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1005" } })).planId).toBe("fiber-500");
    expect(await db.planChange.count()).toBe(0);
  });

  it("applies C-1006's out-of-contract downgrade at once, without a fee", async () => {
    const before = await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } });
    const { data } = await (await crm("C-1006")).call("change_plan", { toPlanId: "basic-100" });
    expect(data).toMatchObject({ status: "applied", fromPlanId: "fiber-300", toPlanId: "basic-100", feeCents: 0, effectiveOn: "2026-11-15" });
    const after = await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } });
    expect(after).toMatchObject({ planId: "basic-100", previousPlanId: "fiber-300", dataVersion: before.dataVersion + 1 });
    expect(after.planChangedOn?.toISOString().slice(0, 10)).toBe("2026-11-15");
    const row = await db.planChange.findUniqueOrThrow({ where: { id: data.planChangeId } });
    expect(row).toMatchObject({ source: "automatic", runId: "run-C-1006", fromPlanId: "fiber-300", toPlanId: "basic-100" });
  });

  it("applies an upgrade at once (C-1005 → gig-1000)", async () => {
    const { data } = await (await crm("C-1005")).call("change_plan", { toPlanId: "gig-1000" });
    expect(data).toMatchObject({ status: "applied", feeCents: 0 });
  });

  it("refuses any change on C-1008's suspended, overdue account; answers already_on_plan for the same plan", async () => {
    const r = (await (await crm("C-1008")).call("change_plan", { toPlanId: "basic-100" })).data;
    expect(r).toMatchObject({ status: "refused" });
    expect(r.reason).toMatch(/suspended/);
    const same = (await (await crm("C-1006")).call("change_plan", { toPlanId: "fiber-300" })).data;
    expect(same).toMatchObject({ status: "already_on_plan", fromPlanId: "fiber-300", toPlanId: "fiber-300", replayed: false });
    expect(await db.planChange.count()).toBe(0);
  });

  it("answers an unknown plan with not_found and the catalogue", async () => {
    const r = await (await crm("C-1006")).call("quote_plan_change", { toPlanId: "fiber-9000" });
    expect(r.isError).toBe(true);
    expect(r.data.error).toBe("not_found");
    expect(r.data.message).toContain("fiber-300");
  });

  it("ignores a customer id smuggled into the arguments", async () => {
    const { data } = await (await crm("C-1012")).call("get_profile", { customerId: "C-1001" });
    expect(data.name).toBe("Lena Novak");
  });
});
