import { describe, expect, it } from "vitest";
import { effectStatement, plansNamedBy } from "./effect-statements";

const plans = new Map([["fiber-1g", { name: "Fiber 1 Gig", monthlyCents: 8000 }]]);

describe("effect statements", () => {
  it("state each applied effect from its ledger result", () => {
    expect(effectStatement({ tool: "issue_credit", result: { status: "applied", amountCents: 3000, invoiceId: "INV-1001-2611" } }, plans))
      .toBe("I've credited $30.00 to your account against invoice INV-1001-2611.");
    expect(effectStatement({ tool: "remote_reset", result: { status: "fixed", line: { downMbps: 291 } } }, plans))
      .toBe("I found a fault on your line and fixed it with a remote reset; it now tests at 291 Mbps.");
    expect(effectStatement({ tool: "remote_reset", result: { status: "not_fixed", line: { status: "down" } } }, plans)).toMatch(/a remote reset didn't fix it: the line is still down/);
    expect(effectStatement({ tool: "dispatch_technician", result: { status: "booked", slot: { id: "SLOT-7", startsAt: "2026-11-17T09:00:00.000Z" } } }, plans))
      .toBe("I've booked a technician visit for 2026-11-17 at 09:00 UTC (SLOT-7).");
    expect(effectStatement({ tool: "change_plan", result: { status: "applied", toPlanId: "fiber-1g", feeCents: 0 } }, plans)).toBe("Done: your plan is now Fiber 1 Gig at $80.00/month.");
  });

  it("say nothing for results that changed nothing, unknown tools or malformed results", () => {
    expect(effectStatement({ tool: "issue_credit", result: { status: "needs_approval", amountCents: 3000 } }, plans)).toBeNull();
    expect(effectStatement({ tool: "remote_reset", result: { status: "no_fault" } }, plans)).toBeNull();
    // Answers that something was already so are never stated as the run's effect.
    expect(effectStatement({ tool: "dispatch_technician", result: { status: "already_booked", slot: { id: "SLOT-1", startsAt: "2026-11-17T09:00:00.000Z" } } }, plans)).toBeNull();
    expect(effectStatement({ tool: "issue_credit", result: { status: "already_credited", amountCents: 3000, invoiceId: "INV-1001-2611" } }, plans)).toBeNull();
    expect(effectStatement({ tool: "change_plan", result: { status: "already_on_plan", toPlanId: "fiber-1g", feeCents: 0 } }, plans)).toBeNull();
    expect(effectStatement({ tool: "get_invoice", result: { status: "applied" } }, plans)).toBeNull();
    expect(effectStatement({ tool: "issue_credit", result: null }, plans)).toBeNull();
  });

  it("name the plans a plan change needs", () => {
    expect(plansNamedBy([{ tool: "change_plan", result: { toPlanId: "fiber-1g" } }, { tool: "change_plan", result: { toPlanId: "fiber-1g" } }, { tool: "issue_credit", result: {} }])).toEqual(["fiber-1g"]);
  });
});
