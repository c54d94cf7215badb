import { describe, expect, it } from "vitest";
import { decidePlanChange, planDirection } from "./plan-change";

const basic = { id: "basic-100", name: "Fiber 100", monthlyCents: 4500, downMbps: 100 };
const f300 = { id: "fiber-300", name: "Fiber 300", monthlyCents: 6000, downMbps: 300 };
const f500 = { id: "fiber-500", name: "Fiber 500", monthlyCents: 7500, downMbps: 500 };
const active = { status: "active", overdueCents: 0 };

describe("decidePlanChange", () => {
  it("applies an upgrade at once without a fee, whatever the contract", () => {
    expect(decidePlanChange({ ...active, fromPlan: f300, toPlan: f500, feeCents: 16000 })).toMatchObject({
      decision: "allowed",
      direction: "upgrade",
      feeCents: 0,
    });
  });

  it("needs approval for a downgrade with a fee (C-1005)", () => {
    const d = decidePlanChange({ ...active, fromPlan: f500, toPlan: f300, feeCents: 16000 });
    expect(d).toMatchObject({ decision: "needs_approval", direction: "downgrade", feeCents: 16000 });
    expect(d.reason).toContain("$160.00");
  });

  it("allows a fee-free downgrade out of contract (C-1006)", () => {
    expect(decidePlanChange({ ...active, fromPlan: f300, toPlan: basic, feeCents: 0 })).toMatchObject({ decision: "allowed", feeCents: 0 });
  });

  it("refuses on a suspended or overdue account (C-1008), even an upgrade", () => {
    expect(decidePlanChange({ status: "suspended", overdueCents: 14000, fromPlan: f300, toPlan: f500, feeCents: 0 }).decision).toBe("refused");
    const overdue = decidePlanChange({ status: "active", overdueCents: 1, fromPlan: f300, toPlan: f500, feeCents: 0 });
    expect(overdue.decision).toBe("refused");
    expect(overdue.reason).toContain("overdue");
  });

  it("refuses a change to the same plan", () => {
    expect(decidePlanChange({ ...active, fromPlan: f300, toPlan: f300, feeCents: 0 })).toMatchObject({ decision: "refused", direction: "same" });
  });

  it("breaks price ties by speed", () => {
    expect(planDirection(f300, { ...f500, monthlyCents: 6000 })).toBe("upgrade");
  });
});
