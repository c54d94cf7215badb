import { describe, expect, it } from "vitest";
import type { BrainDecision, BrainInput } from "../local-model";
import type { SeenToolResult } from "../prompt";
import { accountBrain } from "./account-brain";
import { billingBrain } from "./billing-brain";
import { techSupportBrain } from "./tech-support-brain";

// A side-effecting tool can answer that something is already so: another conversation
// of the same customer (or an earlier request) got there first. Those answers are told
// as facts, never as this worker's action; only an effect of the worker's own call, or
// a replay of its own earlier call in this task, is claimed as done.

const result = (toolName: string, value: unknown): SeenToolResult => ({ toolName, toolCallId: toolName, value, isError: false });
const input = (userText: string, results: SeenToolResult[]) => ({ userText, results, system: "", toolNames: [], wantsJson: true }) as unknown as BrainInput;
const answer = (d: BrainDecision) => {
  if (d.kind !== "text") throw new Error(`expected a result, got ${JSON.stringify(d)}`);
  return JSON.parse(d.text) as { status: string; summary: string; facts: string[]; actions: Array<{ type: string; status: string }>; confidence: number };
};
const THRESHOLD = 0.7; // the workers' confidence threshold: below it a person double-checks

describe("technical support: remote_reset", () => {
  const degraded = [
    result("run_line_test", { lineStatus: "degraded", downMbps: 61, packetLossPct: 6.5, latencyMs: 48, planDownMbps: 300 }),
    result("check_outage", { outage: null }),
  ];
  const healthyNow = { lineStatus: "ok", downMbps: 291, packetLossPct: 0, latencyMs: 12, planDownMbps: 300 };
  const slow = "my internet has been really slow all week, can you fix it?";

  it("no_fault: the line tests healthy now; no fault found, nothing fixed, no reset claimed", () => {
    const out = answer(techSupportBrain(input(slow, [...degraded, result("remote_reset", { status: "no_fault", reason: "healthy", line: healthyNow, replayed: false })])));
    expect(out.summary).toMatch(/Your line tests healthy now \(291 Mbps down, 0% packet loss\)/);
    expect(out.summary).not.toMatch(/fixed|I found a fault|I ran a remote reset|reset (?:cleared|fixed)/i);
    expect(out.actions).toEqual([]);
    expect(out.status).toBe("done");
    expect(out.confidence).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it.each([false, true])("fixed (replayed: %s): this task's own reset, claimed as done", (replayed) => {
    const out = answer(techSupportBrain(input(slow, [...degraded, result("remote_reset", { status: "fixed", reason: "cleared", line: healthyNow, replayed })])));
    expect(out.summary).toMatch(/I found a fault on your line .* and fixed it with a remote reset; it now tests at 291 Mbps/);
    expect(out.actions).toEqual([expect.objectContaining({ type: "remote_reset", status: "applied" })]);
  });
});

describe("technical support: dispatch_technician", () => {
  const down = [
    result("run_line_test", { lineStatus: "down", downMbps: 0, packetLossPct: 100, latencyMs: null, planDownMbps: 100 }),
    result("check_outage", { outage: null }),
    result("remote_reset", { status: "not_fixed", reason: "still down", line: { lineStatus: "down" }, replayed: false }),
  ];
  const slot = { id: "SLOT-1", zone: "east-2", startsAt: "2026-11-17T09:00:00.000Z" };
  const text = "my internet is down, no signal at all, please send a technician";

  it("already_booked: a technician is already booked for the slot's time; no booking claimed", () => {
    const out = answer(techSupportBrain(input(text, [...down, result("dispatch_technician", { status: "already_booked", reason: "booked", dispatchId: "d1", slot, replayed: false })])));
    expect(out.summary).toMatch(/A technician is already booked for 2026-11-17 at 09:00 UTC \(SLOT-1\)/);
    expect(out.summary).not.toMatch(/I've booked|I booked|booked a technician visit/i);
    // The reset was this task's own call, and is still told as tried.
    expect(out.summary).toMatch(/a remote reset didn't fix it/);
    expect(out.actions.filter((a) => a.type === "dispatch")).toEqual([]);
    expect(out.status).toBe("done");
    expect(out.confidence).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it.each([false, true])("booked (replayed: %s): this task's own booking, claimed as done", (replayed) => {
    const out = answer(techSupportBrain(input(text, [...down, result("dispatch_technician", { status: "booked", reason: "ok", dispatchId: "d1", slot, replayed })])));
    expect(out.summary).toMatch(/I've booked a technician visit for 2026-11-17 at 09:00 UTC \(SLOT-1\)/);
    expect(out.actions).toContainEqual(expect.objectContaining({ type: "dispatch", status: "applied" }));
  });
});

describe("billing: issue_credit", () => {
  const LATE_FEE = { invoiceId: "INV-1001-2611", lineRef: "late-fee", kind: "late_fee_not_owed", description: "Late fee of $30.00 on INV-1001-2611 is not owed.", amountCents: 3000, credited: false };
  const seen = [
    result("get_billing_overview", { invoices: [{ id: "INV-1001-2611", totalCents: 10000 }], overdueCents: 0 }),
    // Read while the fee was still open: the other conversation credited it in between.
    result("find_discrepancies", { discrepancies: [LATE_FEE], explanations: [] }),
  ];
  const text = "I was charged a $30 late fee but I paid on time, please credit it";

  it("already_credited: that charge has already been credited; not credited by this run, not refused, no follow-up", () => {
    const out = answer(billingBrain(input(text, [...seen, result("issue_credit", { status: "already_credited", reason: "The $30.00 discrepancy on INV-1001-2611 has already been credited", invoiceId: "INV-1001-2611", amountCents: 3000, replayed: false })])));
    expect(out.summary).toMatch(/that charge has already been credited to your account \(\$30\.00 on invoice INV-1001-2611\)/);
    expect(out.summary).not.toMatch(/credited \$30\.00 to your account|I've credited|couldn't|refused/i);
    expect(out.actions).toEqual([]);
    expect(out.status).toBe("done");
    expect(out.confidence).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it.each([false, true])("applied (replayed: %s): this task's own credit, claimed as done", (replayed) => {
    const out = answer(billingBrain(input(text, [...seen, result("issue_credit", { status: "applied", reason: "ok", invoiceId: "INV-1001-2611", amountCents: 3000, creditId: "c1", replayed })])));
    expect(out.summary).toMatch(/I've credited \$30\.00 to your account/);
    // The invoice is named, once.
    expect(out.summary.match(/INV-1001-2611/g)).toHaveLength(1);
    expect(out.actions).toEqual([expect.objectContaining({ type: "credit", status: "applied" })]);
  });

  it("refused for another reason is still told as a refusal", () => {
    const out = answer(billingBrain(input(text, [...seen, result("issue_credit", { status: "refused", reason: "No open billing discrepancy of $30.00", invoiceId: "INV-1001-2611", amountCents: 3000, replayed: false })])));
    expect(out.summary).toMatch(/I couldn't apply that credit: No open billing discrepancy/);
  });
});

describe("account: change_plan", () => {
  const plans = [
    { id: "fiber-300", name: "Fiber 300", downMbps: 300, monthlyCents: 6000 },
    { id: "gig-1000", name: "Fiber 1 Gig", downMbps: 1000, monthlyCents: 9000 },
  ];
  // The profile was read on Fiber 300; the other conversation upgraded the plan in between.
  const seen = [
    result("get_profile", { plan: { id: "fiber-300" }, contractEndsOn: "2027-06-30" }),
    result("list_plans", { plans }),
    result("quote_plan_change", { toPlan: { id: "gig-1000" }, feeCents: 0, decision: "allowed" }),
  ];
  const text = "Please upgrade me to the 1 Gig plan.";

  it("already_on_plan: you're already on it; not changed by this run, not refused", () => {
    const out = answer(accountBrain(input(text, [...seen, result("change_plan", { status: "already_on_plan", reason: "The account is already on Fiber 1 Gig", fromPlanId: "gig-1000", toPlanId: "gig-1000", feeCents: 0, replayed: false })])));
    expect(out.summary).toMatch(/You're already on Fiber 1 Gig at \$90\.00\/month, so there was nothing to change/);
    expect(out.summary).not.toMatch(/your plan is now|Done:|can't change|not eligible/i);
    expect(out.actions).toEqual([]);
    expect(out.status).toBe("done");
    expect(out.confidence).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it.each([false, true])("applied (replayed: %s): this task's own change, claimed as done", (replayed) => {
    const out = answer(accountBrain(input(text, [...seen, result("change_plan", { status: "applied", reason: "ok", fromPlanId: "fiber-300", toPlanId: "gig-1000", feeCents: 0, replayed })])));
    expect(out.summary).toMatch(/Done: your plan is now Fiber 1 Gig at \$90\.00\/month/);
    expect(out.actions).toEqual([expect.objectContaining({ type: "plan_change", status: "applied" })]);
  });
});
