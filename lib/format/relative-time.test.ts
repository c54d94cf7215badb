import { describe, expect, it } from "vitest";
import { formatAge, formatDue, formatDueSpan } from "./relative-time";

const now = new Date("2026-11-15T12:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe("formatAge", () => {
  it.each([
    [0, "just now"],
    [59, "just now"],
    [60, "1 min ago"],
    [59 * 60, "59 min ago"],
    [3600, "1 h ago"],
    [47 * 3600, "47 h ago"],
    [48 * 3600, "2 days ago"],
  ])("%i s → %s", (s, text) => {
    expect(formatAge(ago(s), now)).toBe(text);
  });

  it("never shows a negative age for a clock that is slightly ahead", () => {
    expect(formatAge(new Date(now.getTime() + 5000), now)).toBe("just now");
  });
});

describe("formatDue", () => {
  const at = (min: number) => new Date(now.getTime() + min * 60_000);
  it.each([
    [45, "due in 45 min"],
    [0, "due in 0 min"],
    [125, "due in 2 h 5 min"],
    [-1, "1 min overdue"],
    [-185, "3 h 5 min overdue"],
    [-(2 * 1440 + 4 * 60 + 10), "2 d 4 h overdue"],
  ])("%i min → %s", (min, text) => {
    expect(formatDue(at(min), now)).toBe(text);
  });

  it("gives the bare span either way, for a column already marked overdue", () => {
    expect(formatDueSpan(at(-185), now)).toBe("3 h 5 min");
    expect(formatDueSpan(at(185), now)).toBe("3 h 5 min");
  });
});
