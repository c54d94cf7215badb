import { isDatabaseBusy } from "../db/transient";
import { ApiError, BUSY_RETRY_AFTER_S } from "../http/errors";
import { log } from "../log";
import type { ReviewRefusal } from "../orchestrator/review-decisions";

// What a reviewer is told when a claim, release or decision changes nothing: one
// sentence each, the same on the page and in the API's error message.

export const REFUSAL_MESSAGES: Record<ReviewRefusal, string> = {
  not_found: "This review item does not exist.",
  already_decided: "This item was already decided.",
  withdrawn: "The customer withdrew this request, so there is nothing left to decide.",
  not_claimed: "Claim this item before you decide it (or your claim has run out).",
  claimed_by_other: "Another reviewer holds this item.",
  stale: "This item changed since you opened it. Look at it as it is now before you decide.",
  forbidden: "Your role may not decide reviews.",
  invalid_decision: "That decision does not fit this kind of item.",
  run_in_progress: "The assistant is still working on this message. Retry the part once its reply is out.",
};

/**
 * Why a review use case (./claim.ts, ./decide.ts) changed nothing: the store's refusal
 * with its sentence (and who holds the item, when that is why), or a retried worker
 * that failed again (`workerError`: what it failed with), or a database too busy to
 * do it in time (its transaction rolled back; the reviewer may try again).
 */
export type ReviewUseCaseRefusal =
  | { code: ReviewRefusal; message: string; claimedBy?: string }
  | { code: "retry_failed"; message: string; workerError: string }
  | { code: "busy"; message: string };

export type ReviewRefusalCode = ReviewUseCaseRefusal["code"];

/** The refusal for a store's answer, worded from REFUSAL_MESSAGES. */
export function reviewRefusal(code: ReviewRefusal, claimedBy?: string): ReviewUseCaseRefusal {
  return { code, message: REFUSAL_MESSAGES[code], ...(claimedBy ? { claimedBy } : {}) };
}

const BUSY: ReviewUseCaseRefusal = { code: "busy", message: "The database is too busy to answer right now. Try again in a few seconds." };

/**
 * Runs a review use case; a database too busy to do it in time (a transaction that
 * could not start or ran out of time, and rolled back) is the `busy` refusal rather
 * than an error: on the page the reviewer reads a sentence, the API answers 503.
 */
export async function busyAsRefusal<T>(fn: () => Promise<T>): Promise<T | { ok: false; refusal: ReviewUseCaseRefusal }> {
  try {
    return await fn();
  } catch (err) {
    if (!isDatabaseBusy(err)) throw err;
    log.warn({ err }, "review use case: database too busy, the reviewer is asked to try again");
    return { ok: false, refusal: BUSY };
  }
}

/** The HTTP status and error type for each refusal (lib/http/errors types). */
const REFUSAL_HTTP: Record<ReviewRefusalCode, "not_found" | "conflict" | "forbidden" | "invalid_input" | "unavailable"> = {
  not_found: "not_found",
  already_decided: "conflict",
  withdrawn: "conflict",
  not_claimed: "conflict",
  claimed_by_other: "conflict",
  stale: "conflict",
  forbidden: "forbidden",
  invalid_decision: "invalid_input",
  run_in_progress: "conflict",
  retry_failed: "conflict",
  busy: "unavailable",
};

/** A refusal as the review API's error: `<type>:review`, its sentence, the reason and who holds the item. */
export function reviewRefusalError(refusal: ReviewUseCaseRefusal): ApiError {
  const claimedBy = "claimedBy" in refusal && refusal.claimedBy ? { claimedBy: refusal.claimedBy } : {};
  const headers = refusal.code === "busy" ? { "retry-after": String(BUSY_RETRY_AFTER_S) } : undefined;
  return new ApiError(`${REFUSAL_HTTP[refusal.code]}:review`, refusal.message, { details: { reason: refusal.code, ...claimedBy }, headers });
}
