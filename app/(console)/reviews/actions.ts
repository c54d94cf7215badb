"use server";

import { revalidatePath } from "next/cache";
import { requireRoleForAction } from "@/lib/auth/session";
import { AREA_ROLES } from "@/lib/auth/roles";
import { getEngine } from "@/lib/server/engine";
import { decideReview } from "@/lib/orchestrator/review-decisions";
import { parseDecisionInput } from "@/lib/reviews/decision-input";

export type DecisionActionResult =
  | { ok: true; status: "approved" | "rejected" }
  | { ok: false; error: "invalid_input" | "unauthorized" | "forbidden" | "not_found" | "already_decided" };

/** Approves or rejects one pending review item for the signed-in reviewer. */
export async function decideReviewAction(_prev: DecisionActionResult | null, formData: FormData): Promise<DecisionActionResult> {
  const parsed = parseDecisionInput({ reviewId: formData.get("reviewId"), decision: formData.get("decision"), note: formData.get("note") });
  if (!parsed.ok) return { ok: false, error: "invalid_input" };
  // Checked here, not only on the page: an action is reachable by a direct POST.
  const access = await requireRoleForAction(AREA_ROLES.reviews);
  if (!access.ok) return access;
  const result = await decideReview(getEngine(), { ...parsed.input, staffEmail: access.staff.email });
  if (result.ok) revalidatePath("/reviews");
  return result;
}
