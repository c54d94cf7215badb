import { revalidatePath } from "next/cache";
import { getEngine } from "@/lib/server/engine";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleForRoute } from "@/lib/auth/session";
import { decideReview } from "@/lib/orchestrator/review-decisions";
import { parseDecisionInput } from "@/lib/reviews/decision-input";

const noStore = { "cache-control": "no-store" };

/** Approve or reject a pending review item: JSON body `{ decision: "approve" | "reject", note? }`. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const access = await requireRoleForRoute(AREA_ROLES.reviews);
  if (!access.ok) return access.response;

  const body: unknown = await req.json().catch(() => null);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Response.json({ error: "invalid_input", issues: [{ path: "", message: "expected a JSON object" }] }, { status: 400, headers: noStore });
  }
  const fields = body as Record<string, unknown>;
  const parsed = parseDecisionInput({ reviewId: (await ctx.params).id, decision: fields.decision, note: fields.note });
  if (!parsed.ok) return Response.json({ error: "invalid_input", issues: parsed.issues }, { status: 400, headers: noStore });

  const result = await decideReview(getEngine(), { ...parsed.input, staffEmail: access.staff.email });
  if (!result.ok) {
    return Response.json({ error: result.error }, { status: result.error === "not_found" ? 404 : 409, headers: noStore });
  }
  revalidatePath("/reviews");
  return Response.json({ ok: true, status: result.status }, { headers: noStore });
}
