import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { staffAccessError } from "@/lib/auth/errors";
import { invalidInput, withApiErrors } from "@/lib/http/errors";
import { readGuardedJson } from "@/lib/http/request-guard";
import { claim, release } from "@/lib/reviews/claim";
import { reviewRefusalError } from "@/lib/reviews/refusals";
import { getEngine, getSettingsSource } from "@/lib/server/app-process";

const bodySchema = z.strictObject({ release: z.boolean().optional(), expectedVersion: z.number().int().min(0).optional() });

/**
 * Claim a review item for the configured time (`{}`), or release a claim
 * (`{ "release": true }`: one's own, or anyone's for an admin). The use cases are
 * lib/reviews/claim.ts, shared with the review page's actions.
 */
export const POST = withApiErrors("review", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const raw = await readGuardedJson(req, { surface: "review", expected: "{ release?, expectedVersion? }" });
  const access = await requireRoleFromDatabase(AREA_ROLES.reviews);
  if (!access.ok) throw staffAccessError(access, "review");
  const reviewId = z.string().uuid().safeParse((await ctx.params).id);
  const body = bodySchema.safeParse(raw);
  if (!reviewId.success) throw invalidInput("review", [{ path: "id", message: "expected a review id (uuid)" }]);
  if (!body.success) throw invalidInput("review", body.error.issues);

  let claimed: { until: string; version: number } | undefined;
  if (body.data.release) {
    const r = await release({ engine: getEngine() }, { staff: access.staff, reviewId: reviewId.data, asAdmin: access.staff.role === "admin" });
    if (!r.ok) throw reviewRefusalError(r.refusal);
  } else {
    const r = await claim({ engine: getEngine(), settings: getSettingsSource() }, { staff: access.staff, reviewId: reviewId.data, expectedVersion: body.data.expectedVersion });
    if (!r.ok) throw reviewRefusalError(r.refusal);
    claimed = { until: r.until.toISOString(), version: r.version };
  }
  revalidatePath("/reviews");
  return Response.json({ ok: true, ...(claimed ?? {}) }, { headers: { "cache-control": "no-store" } });
});
