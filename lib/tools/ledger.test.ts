import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { issueCredit, applyApprovedCredit } from "./billing/issue-credit";
import { applyApprovedPlanChange, changePlan } from "./crm/change-plan";
import { ToolError } from "./errors";
import { sideEffectKey, withIdempotency } from "./ledger";
import { dispatchTechnician } from "./network/dispatch-technician";
import { connectTestClient, testContext } from "./test-helpers";

const db = useTestDb();
const version = async (id: string) => (await db.customer.findUniqueOrThrow({ where: { id } })).dataVersion;

describe("side-effect ledger", () => {
  beforeEach(() => resetTestWorld(db));

  it("builds run-scoped keys, and customer-scoped keys outside a run", () => {
    expect(sideEffectKey({ runId: "r1", taskId: "t2", customerId: "C-1001" }, "issue_credit", ["INV-1", 3000])).toBe("r1:t2:issue_credit:INV-1:3000");
    expect(sideEffectKey({ runId: "r1", taskId: "t2", customerId: "C-1001" }, "remote_reset", [])).toBe("r1:t2:remote_reset");
    expect(sideEffectKey({ customerId: "C-1001" }, "change_plan", ["fiber-500"], "k-123456")).toBe("ext:C-1001:k-123456:change_plan:fiber-500");
    expect(() => sideEffectKey({ customerId: "C-1001" }, "change_plan", ["fiber-500"])).toThrow(ToolError);
  });

  it("replays a credit: the recorded result, one credit row, one ledger row, one version bump", async () => {
    const ctx = testContext(db, "C-1001", { runId: "run-1", taskId: "t1" });
    const v0 = await version("C-1001");
    const args = { invoiceId: "INV-1001-2611", amountCents: 3000, reason: "late fee" };
    const first = await issueCredit.run(ctx, args);
    const second = await issueCredit.run(ctx, { ...args, reason: "worded differently" });
    expect(first).toMatchObject({ status: "applied", replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await db.credit.count({ where: { customerId: "C-1001" } })).toBe(1);
    expect(await db.sideEffect.count()).toBe(1);
    expect(await db.sideEffect.findUniqueOrThrow({ where: { idempotencyKey: "run-1:t1:issue_credit:INV-1001-2611:3000" } })).toMatchObject({
      runId: "run-1",
      tool: "issue_credit",
      customerId: "C-1001",
    });
    expect(await version("C-1001")).toBe(v0 + 1);
  });

  it("replays a plan change and a dispatch through MCP", async () => {
    const crm = await connectTestClient("crm", testContext(db, "C-1006", { runId: "run-2", taskId: "t1" }));
    const a = (await crm.call("change_plan", { toPlanId: "basic-100" })).data;
    const b = (await crm.call("change_plan", { toPlanId: "basic-100" })).data;
    expect(b).toEqual({ ...a, replayed: true });
    expect(await db.planChange.count()).toBe(1);
    await crm.close();

    const net = await connectTestClient("network", testContext(db, "C-1004", { runId: "run-3", taskId: "t1" }));
    const d1 = (await net.call("dispatch_technician", { reason: "down" })).data;
    const d2 = (await net.call("dispatch_technician", { reason: "down" })).data;
    expect(d1.status).toBe("booked");
    expect(d2).toEqual({ ...d1, replayed: true });
    expect(await db.dispatch.count()).toBe(1);
    await net.close();
    expect(await db.sideEffect.count()).toBe(2);
  });

  it("lets two concurrent identical credits produce one credit", async () => {
    const ctx = testContext(db, "C-1009", { runId: "run-4", taskId: "t1" });
    const args = { invoiceId: "INV-1009-2611", amountCents: 1500, reason: "plan price" };
    const results = await Promise.all([issueCredit.run(ctx, args), issueCredit.run(ctx, args), issueCredit.run(ctx, args)]);
    expect(results.map((r) => r.status)).toEqual(["applied", "applied", "applied"]);
    expect(new Set(results.map((r) => r.creditId)).size).toBe(1);
    expect(results.filter((r) => r.replayed)).toHaveLength(2);
    expect(await db.credit.count({ where: { customerId: "C-1009" } })).toBe(1);
    expect(await db.sideEffect.count()).toBe(1);
  });

  it("serializes different keys per customer: one discrepancy is credited once", async () => {
    const args = { invoiceId: "INV-1001-2611", amountCents: 3000, reason: "late fee" };
    const results = await Promise.all(
      ["t1", "t2", "t3"].map((taskId) => issueCredit.run(testContext(db, "C-1001", { runId: "run-5", taskId }), args)),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["already_credited", "already_credited", "applied"]);
    expect(await db.credit.count({ where: { customerId: "C-1001" } })).toBe(1);
  });

  it("books concurrent dispatches in distinct slots", async () => {
    await db.lineState.update({ where: { customerId: "C-1002" }, data: { status: "down", fixableRemotely: false } });
    const [a, b] = await Promise.all(
      ["C-1004", "C-1002"].map((id) => dispatchTechnician.run(testContext(db, id, { runId: `run-${id}`, taskId: "t1" }), { reason: "down" })),
    );
    expect([a.slot?.id, b.slot?.id].sort()).toEqual(["SLOT-1", "SLOT-2"]);
  });

  it("does not record a refusal, and rolls back an effect that throws", async () => {
    const ctx = testContext(db, "C-1008", { runId: "run-6", taskId: "t1" });
    expect((await changePlan.run(ctx, { toPlanId: "basic-100" })).status).toBe("refused");
    expect(await db.sideEffect.count()).toBe(0);
    await expect(
      withIdempotency(db, { key: "k-throw", tool: "test", customerId: "C-1008", args: {} }, async (tx) => {
        await tx.customer.update({ where: { id: "C-1008" }, data: { dataVersion: { increment: 1 } } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await version("C-1008")).toBe(0);
    expect(await db.sideEffect.count()).toBe(0);
  });

  it("applies a reviewer-approved credit and plan change exactly once per review", async () => {
    const c1002 = testContext(db, "C-1002", { runId: "run-7", taskId: "t1" });
    const approved = { invoiceId: "INV-1002-2611", amountCents: 8500, reason: "Roaming pass never activated", reviewId: "rev-1" };
    const r1 = await applyApprovedCredit(c1002, approved);
    const r2 = await applyApprovedCredit(c1002, approved);
    expect(r1).toMatchObject({ status: "applied", replayed: false });
    expect(r2).toEqual({ ...r1, replayed: true });
    // A second review of the same charge cannot pay it twice.
    expect((await applyApprovedCredit(c1002, { ...approved, reviewId: "rev-2" })).status).toBe("already_credited");
    expect(await db.credit.findMany({ where: { customerId: "C-1002" } })).toEqual([
      expect.objectContaining({ amountCents: 8500, source: "approved", runId: "run-7" }),
    ]);

    const c1005 = testContext(db, "C-1005", { runId: "run-8", taskId: "t1" });
    const p1 = await applyApprovedPlanChange(c1005, { toPlanId: "fiber-300", feeCents: 16000, reviewId: "rev-3" });
    const p2 = await applyApprovedPlanChange(c1005, { toPlanId: "fiber-300", feeCents: 16000, reviewId: "rev-3" });
    expect(p1).toMatchObject({ status: "applied", feeCents: 16000, replayed: false });
    expect(p2.replayed).toBe(true);
    expect(await db.planChange.findMany({ where: { customerId: "C-1005" } })).toEqual([
      expect.objectContaining({ toPlanId: "fiber-300", feeCents: 16000, source: "approved" }),
    ]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1005" } })).planId).toBe("fiber-300");
    expect(await db.sideEffect.count({ where: { idempotencyKey: { startsWith: "review:" } } })).toBe(2);
  });

  it("does not mistake another customer's ledger entry for a replay", async () => {
    await withIdempotency(db, { key: "shared", tool: "remote_reset", customerId: "C-1001", args: {} }, async () => ({ ok: 1 }));
    await expect(
      withIdempotency(db, { key: "shared", tool: "remote_reset", customerId: "C-1002", args: {} }, async () => ({ ok: 2 })),
    ).rejects.toThrow(/different action/);
  });
});
