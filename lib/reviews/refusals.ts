import { ApiError } from "../http/errors";
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
  run_in_progress: "The assistant is still working on this message. Retry the part once its reply is out.",
};

/**
 * Why a review use case (./claim.ts, ./decide.ts) changed nothing: the store's refusal
 * with its sentence (and who holds the item, when that is why), or a retried worker
 * that failed again (`workerError`: what it failed with).
 */
export type ReviewUseCaseRefusal =
  | { code: ReviewRefusal; message: string; claimedBy?: string }
  | { code: "retry_failed"; message: string; workerError: string };

export type ReviewRefusalCode = ReviewUseCaseRefusal["code"];

/** The refusal for a store's answer, worded from REFUSAL_MESSAGES. */
export function reviewRefusal(code: ReviewRefusal, claimedBy?: string): ReviewUseCaseRefusal {
  return { code, message: REFUSAL_MESSAGES[code], ...(claimedBy ? { claimedBy } : {}) };
}

/** The HTTP status and error type for each refusal (lib/http/errors types). */
const REFUSAL_HTTP: Record<ReviewRefusalCode, "not_found" | "conflict" | "forbidden" | "invalid_input"> = {
  not_found: "not_found",
  already_decided: "conflict",
  not_claimed: "conflict",
  claimed_by_other: "conflict",
  stale: "conflict",
  forbidden: "forbidden",
  invalid_decision: "invalid_input",
  run_in_progress: "conflict",
  retry_failed: "conflict",
};

/** A refusal as the review API's error: `<type>:review`, its sentence, the reason and who holds the item. */
export function reviewRefusalError(refusal: ReviewUseCaseRefusal): ApiError {
  const claimedBy = "claimedBy" in refusal && refusal.claimedBy ? { claimedBy: refusal.claimedBy } : {};
  return new ApiError(`${REFUSAL_HTTP[refusal.code]}:review`, refusal.message, { details: { reason: refusal.code, ...claimedBy } });
}
