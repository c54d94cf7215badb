import { describe, expect, it } from "vitest";
import { parseDecisionInput } from "./decision-input";

const reviewId = "0b7c3c1e-4f5a-4d3b-9a51-2f7f6a1c9e10";

describe("parseDecisionInput", () => {
  it("accepts a decision with a trimmed note", () => {
    expect(parseDecisionInput({ reviewId, decision: "approve", note: "  ok  " })).toEqual({ ok: true, input: { reviewId, decision: "approve", note: "ok" } });
  });

  it.each(["", "   ", null, undefined])("drops an empty note (%j)", (note) => {
    expect(parseDecisionInput({ reviewId, decision: "approve", note })).toEqual({ ok: true, input: { reviewId, decision: "approve" } });
  });

  it("reads a form's version and an edited answer", () => {
    expect(parseDecisionInput({ reviewId, decision: "send_edited", reply: " Fixed. ", expectedVersion: "3" })).toEqual({
      ok: true, input: { reviewId, decision: "send_edited", reply: "Fixed.", expectedVersion: 3 },
    });
  });

  it.each([
    ["an unknown decision", { reviewId, decision: "maybe" }],
    ["a missing decision", { reviewId, decision: null }],
    ["an id that is not a uuid", { reviewId: "42", decision: "approve" }],
    ["a note over 2000 characters", { reviewId, decision: "approve", note: "x".repeat(2001) }],
    ["a rejection without a note", { reviewId, decision: "reject", note: "  " }],
    ["an edited answer without its text", { reviewId, decision: "send_edited", reply: "" }],
    ["a reply on an approval", { reviewId, decision: "approve", reply: "hi" }],
    ["tampered action arguments", { reviewId, decision: "approve", proposedAction: { type: "credit", amountCents: 999999 } }],
    ["a version that is not a number", { reviewId, decision: "approve", expectedVersion: "v2" }],
  ])("refuses %s", (_label, raw) => {
    const result = parseDecisionInput(raw);
    expect(result.ok).toBe(false);
  });
});
