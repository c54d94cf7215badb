import { revalidatePath } from "next/cache";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { staffAccessError } from "@/lib/auth/errors";
import { invalidInput, withApiErrors } from "@/lib/http/errors";
import { readGuardedJson } from "@/lib/http/request-guard";
import { decide } from "@/lib/reviews/decide";
import { parseDecisionInput } from "@/lib/reviews/decision-input";
import { reviewRefusalError } from "@/lib/reviews/refusals";
import { getEngine } from "@/lib/server/app-process";

/**
 * Decide a review item the caller holds a claim on: JSON body
 * `{ decision: "approve" | "reject" | "send_draft" | "send_edited" | "send_written" | "retry", note?, reply?, expectedVersion? }`
 * ("retry" runs a failed worker's part again and, when it succeeds, sends its answer).
 * The use case is lib/reviews/decide.ts, shared with the review page's decideReviewAction.
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

  const result = await decide({ engine: getEngine() }, { staff: access.staff, decision: parsed.input });
  if (!result.ok) throw reviewRefusalError(result.refusal);
  revalidatePath("/reviews");
  return Response.json({ ok: true, status: result.status }, { headers: { "cache-control": "no-store" } });
});
