import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { staffAccessError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { readGuardedJson } from "@/lib/http/request-guard";
import { claimReview, releaseReview, type ReviewRefusal } from "@/lib/orchestrator/review-decisions";
import { REFUSAL_HTTP, REFUSAL_MESSAGES } from "@/lib/reviews/refusals";
import { getEngine, getSettingsSource } from "@/lib/server/engine";

function refused(error: ReviewRefusal, claimedBy?: string): ApiError {
  return new ApiError(`${REFUSAL_HTTP[error]}:review`, REFUSAL_MESSAGES[error], { details: { reason: error, ...(claimedBy ? { claimedBy } : {}) } });
}

const bodySchema = z.strictObject({ release: z.boolean().optional(), expectedVersion: z.number().int().min(0).optional() });

/**
 * Claim a review item for the configured time (`{}`), or release a claim
 * (`{ "release": true }`: one's own, or anyone's for an admin).
 */
export const POST = withApiErrors("review", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const raw = await readGuardedJson(req, { surface: "review", expected: "{ release?, expectedVersion? }" });
  const access = await requireRoleFromDatabase(AREA_ROLES.reviews);
  if (!access.ok) throw staffAccessError(access, "review");
  const reviewId = z.string().uuid().safeParse((await ctx.params).id);
  const body = bodySchema.safeParse(raw);
  if (!reviewId.success) throw invalidInput("review", [{ path: "id", message: "expected a review id (uuid)" }]);
  if (!body.success) throw invalidInput("review", body.error.issues);

  const acting = { staff: { id: access.staff.id, email: access.staff.email, name: access.staff.name }, allowedRoles: AREA_ROLES.reviews };
  let claim: { until: string; version: number } | undefined;
  if (body.data.release) {
    const r = await releaseReview(getEngine(), { reviewId: reviewId.data, ...acting, asAdmin: access.staff.role === "admin" });
    if (!r.ok) throw refused(r.error);
  } else {
    const minutes = (await getSettingsSource().current()).settings.policy.claimMinutes;
    const r = await claimReview(getEngine(), { reviewId: reviewId.data, ...acting, expectedVersion: body.data.expectedVersion, minutes });
    if (!r.ok) throw refused(r.error, r.claimedBy);
    claim = { until: r.until.toISOString(), version: r.version };
  }
  revalidatePath("/reviews");
  return Response.json({ ok: true, ...(claim ?? {}) }, { headers: { "cache-control": "no-store" } });
});
