import { describe, expect, it } from "vitest";
import { backoffMs, withJitter } from "./backoff";

describe("backoff", () => {
  it("doubles from the base on each retry and stops at the cap", () => {
    const opts = { baseMs: 200, maxMs: 2_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, opts))).toEqual([200, 400, 800, 1_600, 2_000, 2_000]);
    expect(backoffMs(0, opts)).toBe(200);
  });

  it("jitters between half and all of the pause", () => {
    expect(withJitter(1_000, () => 0)).toBe(500);
    expect(withJitter(1_000, () => 0.999)).toBeCloseTo(999.5);
  });
});
