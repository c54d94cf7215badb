import type { ReviewRefusal } from "../orchestrator/review-decisions";

// What a reviewer is told when a claim, release or decision changes nothing: one
// sentence each, the same on the page and in the API's error message.

export const REFUSAL_MESSAGES: Record<ReviewRefusal, string> = {
  not_found: "This review item does not exist.",
  already_decided: "This item was already decided.",
  not_claimed: "Claim this item before you decide it (or your claim has run out).",
  claimed_by_other: "Another reviewer holds this item.",
  stale: "This item changed since you opened it. Reload to see it as it is now.",
  forbidden: "Your role may not decide reviews.",
  invalid_decision: "That decision does not fit this kind of item.",
};

/** The HTTP status and error type for each refusal (lib/http/errors types). */
export const REFUSAL_HTTP: Record<ReviewRefusal, "not_found" | "conflict" | "forbidden" | "invalid_input"> = {
  not_found: "not_found",
  already_decided: "conflict",
  not_claimed: "conflict",
  claimed_by_other: "conflict",
  stale: "conflict",
  forbidden: "forbidden",
  invalid_decision: "invalid_input",
};
