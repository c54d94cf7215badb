import { AREA_ROLES } from "../auth/roles";
import type { EngineDeps } from "../orchestrator/deps";
import { decideReview, type ReviewDecisionInput } from "../orchestrator/review-decisions";
import { retryReview } from "../orchestrator/review-retry";
import type { Reviewer } from "../orchestrator/store";
import { busyAsRefusal, reviewRefusal, type ReviewUseCaseRefusal } from "./refusals";
import type { DecidedReviewStatus } from "../contracts";

// Deciding a review item: the one use case behind POST /api/reviews/<id>/decision and
// the review page's decideReviewAction. The shells check the session and the role and
// parse the input (./decision-input.ts); this runs the decision, or the worker's retry,
// as the given reviewer and says why when nothing changed. The role is read again
// from the database inside the decision's transaction (a session's copy may be out of
// date), so a reviewer demoted mid-way is refused here too.

export type DecideResult = { ok: true; status: DecidedReviewStatus } | { ok: false; refusal: ReviewUseCaseRefusal };

/** Decides one review item as `staff` (who must hold its claim), or says why not. */
export function decide(deps: { engine: EngineDeps }, input: { staff: Reviewer; decision: ReviewDecisionInput }): Promise<DecideResult> {
  return busyAsRefusal(() => decideOnce(deps, input));
}

async function decideOnce(deps: { engine: EngineDeps }, input: { staff: Reviewer; decision: ReviewDecisionInput }): Promise<DecideResult> {
  const acting = { staff: { id: input.staff.id, email: input.staff.email, name: input.staff.name }, allowedRoles: AREA_ROLES.reviews };
  const d = input.decision;
  const result =
    d.decision === "retry"
      ? await retryReview(deps.engine, { ...acting, reviewId: d.reviewId, expectedVersion: d.expectedVersion })
      : await decideReview(deps.engine, { ...d, ...acting });
  if (result.ok) return { ok: true, status: result.status };
  if (result.error === "retry_failed") {
    return {
      ok: false,
      refusal: { code: "retry_failed", message: `The worker failed again: ${result.message}. Answer the customer by hand.`, workerError: result.message },
    };
  }
  return { ok: false, refusal: reviewRefusal(result.error, result.claimedBy) };
}
