import { describe, expect, it } from "vitest";
import { earlyTerminationFee, remainingWholeMonths } from "./early-termination-fee";

const policy = { etfPerRemainingMonthCents: 1000, etfCapCents: 24000 };

describe("early-termination fee", () => {
  it("charges 16 whole months for C-1005 (2026-11-15 → 2028-03-31)", () => {
    expect(earlyTerminationFee({ today: "2026-11-15", contractEndsOn: "2028-03-31", policy })).toEqual({
      remainingMonths: 16,
      feeCents: 16000,
      capped: false,
    });
  });

  it("counts only whole months", () => {
    expect(remainingWholeMonths("2026-11-15", "2026-12-14")).toBe(0);
    expect(remainingWholeMonths("2026-11-15", "2026-12-15")).toBe(1);
    expect(remainingWholeMonths("2026-11-15", "2026-12-31")).toBe(1);
  });

  it("is zero when the contract has already ended or ends today", () => {
    expect(earlyTerminationFee({ today: "2026-11-15", contractEndsOn: "2026-05-31", policy }).feeCents).toBe(0);
    expect(earlyTerminationFee({ today: "2026-11-15", contractEndsOn: "2026-11-15", policy }).feeCents).toBe(0);
  });

  it("is capped", () => {
    expect(earlyTerminationFee({ today: "2026-11-15", contractEndsOn: "2028-11-15", policy })).toEqual({
      remainingMonths: 24,
      feeCents: 24000,
      capped: false,
    });
    expect(earlyTerminationFee({ today: "2026-11-15", contractEndsOn: "2029-11-30", policy })).toEqual({
      remainingMonths: 36,
      feeCents: 24000,
      capped: true,
    });
  });
});
