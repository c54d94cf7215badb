import { describe, expect, it } from "vitest";
import { parseDecisionInput } from "./decision-input";

const reviewId = "0b7c3c1e-4f5a-4d3b-9a51-2f7f6a1c9e10";

describe("parseDecisionInput", () => {
  it("accepts a decision with a trimmed note", () => {
    expect(parseDecisionInput({ reviewId, decision: "approve", note: "  ok  " })).toEqual({ ok: true, input: { reviewId, decision: "approve", note: "ok" } });
  });

  it.each(["", "   ", null, undefined])("drops an empty note (%j)", (note) => {
    expect(parseDecisionInput({ reviewId, decision: "reject", note })).toEqual({ ok: true, input: { reviewId, decision: "reject" } });
  });

  it.each([
    ["an unknown decision", { reviewId, decision: "maybe" }],
    ["a missing decision", { reviewId, decision: null }],
    ["an id that is not a uuid", { reviewId: "42", decision: "approve" }],
    ["a note over 2000 characters", { reviewId, decision: "approve", note: "x".repeat(2001) }],
  ])("refuses %s", (_label, raw) => {
    const result = parseDecisionInput(raw);
    expect(result.ok).toBe(false);
  });
});
