import { describe, expect, it } from "vitest";
import { median, percentile } from "./stats";

describe("order statistics", () => {
  it("median: the middle value, or the mean of the two middle ones, whatever the input order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it("percentile: nearest rank, so p100 is the maximum and p50 of an even count the lower middle", () => {
    const xs = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(100);
    expect(percentile(xs, 90)).toBe(90);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile(xs, 1)).toBe(10);
    expect(percentile([], 95)).toBeNaN();
  });
});
