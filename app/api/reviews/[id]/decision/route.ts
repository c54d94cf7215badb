import { revalidatePath } from "next/cache";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { staffAccessError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { readGuardedJson } from "@/lib/http/request-guard";
import { decideReview } from "@/lib/orchestrator/review-decisions";
import { retryReview } from "@/lib/orchestrator/review-retry";
import { parseDecisionInput } from "@/lib/reviews/decision-input";
import { REFUSAL_HTTP, REFUSAL_MESSAGES } from "@/lib/reviews/refusals";
import { getEngine } from "@/lib/server/engine";

/**
 * Decide a review item the caller holds a claim on: JSON body
 * `{ decision: "approve" | "reject" | "send_draft" | "send_edited" | "send_written" | "retry", note?, reply?, expectedVersion? }`
 * ("retry" runs a failed worker's part again and, when it succeeds, sends its answer).
 */
export const POST = withApiErrors("review", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  // Staff authenticate by cookie only, so no Bearer way out: the request must come from
  // Switchboard's own pages, as JSON (a cross-site form post with the session stops here).
  const body = await readGuardedJson(req, { surface: "review", expected: "{ decision, note?, reply?, expectedVersion? }" });
  // The role as the database has it now, not as the session cookie remembers it.
  const access = await requireRoleFromDatabase(AREA_ROLES.reviews);
  if (!access.ok) throw staffAccessError(access, "review");

  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidInput("review", [{ path: "", message: "expected a JSON object" }]);
  }
  const parsed = parseDecisionInput({ ...(body as Record<string, unknown>), reviewId: (await ctx.params).id, decision: (body as Record<string, unknown>).decision });
  if (!parsed.ok) throw invalidInput("review", parsed.issues);

  const staff = { id: access.staff.id, email: access.staff.email, name: access.staff.name };
  const acting = { staff, allowedRoles: AREA_ROLES.reviews };
  const result =
    parsed.input.decision === "retry"
      ? await retryReview(getEngine(), { ...acting, reviewId: parsed.input.reviewId, expectedVersion: parsed.input.expectedVersion })
      : await decideReview(getEngine(), { ...parsed.input, ...acting });
  if (!result.ok && result.error === "retry_failed") {
    throw new ApiError("conflict:review", `The worker failed again: ${result.message}. Answer the customer by hand.`, { details: { reason: "retry_failed" } });
  }
  if (!result.ok) {
    throw new ApiError(`${REFUSAL_HTTP[result.error]}:review`, REFUSAL_MESSAGES[result.error], {
      details: { reason: result.error, ...(result.claimedBy ? { claimedBy: result.claimedBy } : {}) },
    });
  }
  revalidatePath("/reviews");
  return Response.json({ ok: true, status: result.status }, { headers: { "cache-control": "no-store" } });
});
