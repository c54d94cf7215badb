import { AREA_ROLES } from "../auth/roles";
import { claimReview, releaseReview, type ReviewDeps } from "../orchestrator/review-decisions";
import type { SettingsSource } from "../orchestrator/settings";
import type { Reviewer } from "../orchestrator/store";
import { busyAsRefusal, reviewRefusal, type ReviewUseCaseRefusal } from "./refusals";

// Claiming and releasing a review item: the use cases behind POST
// /api/reviews/<id>/claim and the review page's claim and release actions. The shells
// check the session and the role; the role is read again from the database inside the
// claim's transaction.

export type ClaimResult = { ok: true; until: Date; version: number } | { ok: false; refusal: ReviewUseCaseRefusal };
export type ReleaseResult = { ok: true } | { ok: false; refusal: ReviewUseCaseRefusal };

const acting = (staff: Reviewer) => ({ staff: { id: staff.id, email: staff.email, name: staff.name }, allowedRoles: AREA_ROLES.reviews });

/**
 * Claims an item for `staff` for the claim time the settings in force give (claiming
 * one's own item again extends it), or says why not.
 */
export async function claim(
  deps: { engine: ReviewDeps; settings: SettingsSource },
  input: { staff: Reviewer; reviewId: string; expectedVersion?: number },
): Promise<ClaimResult> {
  return busyAsRefusal(async () => {
    const minutes = (await deps.settings.current()).settings.policy.claimMinutes;
    const r = await claimReview(deps.engine, { ...acting(input.staff), reviewId: input.reviewId, expectedVersion: input.expectedVersion, minutes });
    return r.ok ? { ok: true as const, until: r.until, version: r.version } : { ok: false as const, refusal: reviewRefusal(r.error, r.claimedBy) };
  });
}

/** Gives a claim back: `staff`'s own, or anyone's when `asAdmin`. */
export async function release(deps: { engine: ReviewDeps }, input: { staff: Reviewer; reviewId: string; asAdmin: boolean }): Promise<ReleaseResult> {
  return busyAsRefusal(async () => {
    const r = await releaseReview(deps.engine, { ...acting(input.staff), reviewId: input.reviewId, asAdmin: input.asAdmin });
    return r.ok ? { ok: true as const } : { ok: false as const, refusal: reviewRefusal(r.error) };
  });
}
