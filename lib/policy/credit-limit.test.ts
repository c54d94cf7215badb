import { describe, expect, it } from "vitest";
import { decideCredit, inCreditWindow } from "./credit-limit";

const policy = { autoCreditLimitCents: 5000, autoCreditWindowDays: 30 };
const today = "2026-11-15";

describe("decideCredit", () => {
  it("applies a credit within the limit automatically", () => {
    const d = decideCredit({ priorCredits: [], amountCents: 3000, today, policy });
    expect(d).toMatchObject({ verdict: "auto", usedCents: 0, remainingCents: 5000 });
  });

  it("allows a credit that reaches the limit exactly", () => {
    const d = decideCredit({ priorCredits: [{ amountCents: 2000, issuedOn: "2026-11-01" }], amountCents: 3000, today, policy });
    expect(d.verdict).toBe("auto");
  });

  it("needs approval one cent over the limit", () => {
    const d = decideCredit({ priorCredits: [{ amountCents: 2000, issuedOn: "2026-11-01" }], amountCents: 3001, today, policy });
    expect(d).toMatchObject({ verdict: "needs_approval", usedCents: 2000, remainingCents: 3000 });
  });

  it("needs approval for a single credit over the limit (C-1002: $85)", () => {
    expect(decideCredit({ priorCredits: [], amountCents: 8500, today, policy }).verdict).toBe("needs_approval");
  });

  it("counts earlier credits in the window (C-1011: $40 used, $25 asked)", () => {
    const d = decideCredit({ priorCredits: [{ amountCents: 4000, issuedOn: "2026-11-02" }], amountCents: 2500, today, policy });
    expect(d).toMatchObject({ verdict: "needs_approval", usedCents: 4000, remainingCents: 1000 });
    expect(d.reason).toContain("$50.00");
  });

  it("counts a credit issued exactly 30 days ago, not one issued 31 days ago", () => {
    expect(inCreditWindow("2026-10-16", today, 30)).toBe(true);
    expect(inCreditWindow("2026-10-15", today, 30)).toBe(false);
    const at30 = decideCredit({ priorCredits: [{ amountCents: 4000, issuedOn: "2026-10-16" }], amountCents: 2500, today, policy });
    const at31 = decideCredit({ priorCredits: [{ amountCents: 4000, issuedOn: "2026-10-15" }], amountCents: 2500, today, policy });
    expect(at30.verdict).toBe("needs_approval");
    expect(at31).toMatchObject({ verdict: "auto", usedCents: 0 });
  });

  it("counts a credit issued today", () => {
    const d = decideCredit({ priorCredits: [{ amountCents: 5000, issuedOn: today }], amountCents: 1, today, policy });
    expect(d).toMatchObject({ verdict: "needs_approval", remainingCents: 0 });
  });
});
