import { revalidatePath } from "next/cache";
import { AREA_ROLES, checkAccess } from "@/lib/auth/roles";
import { getStaffSession } from "@/lib/auth/session";
import { staffAccessError } from "@/lib/http/auth-errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { readGuardedJson } from "@/lib/http/request-guard";
import { decideReview } from "@/lib/orchestrator/review-decisions";
import { parseDecisionInput } from "@/lib/reviews/decision-input";
import { getEngine } from "@/lib/server/engine";

/** Approve or reject a pending review item: JSON body `{ decision: "approve" | "reject", note? }`. */
export const POST = withApiErrors("review", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  // Staff authenticate by cookie only, so no Bearer way out: the request must come from
  // Switchboard's own pages, as JSON (a cross-site form post with the session stops here).
  const body = await readGuardedJson(req, { surface: "review", expected: "{ decision, note? }" });
  const access = checkAccess(await getStaffSession(), AREA_ROLES.reviews);
  if (!access.ok) throw staffAccessError(access, "review");

  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidInput("review", [{ path: "", message: "expected a JSON object" }]);
  }
  const fields = body as Record<string, unknown>;
  const parsed = parseDecisionInput({ reviewId: (await ctx.params).id, decision: fields.decision, note: fields.note });
  if (!parsed.ok) throw invalidInput("review", parsed.issues);

  const result = await decideReview(getEngine(), { ...parsed.input, staffEmail: access.staff.email });
  if (!result.ok) {
    throw result.error === "not_found"
      ? new ApiError("not_found:review", "No such review item.")
      : new ApiError("conflict:review", "This review item was already decided.", { details: { reason: "already_decided" } });
  }
  revalidatePath("/reviews");
  return Response.json({ ok: true, status: result.status }, { headers: { "cache-control": "no-store" } });
});
