import { describe, expect, it } from "vitest";
import { formatAge } from "./relative-time";

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
