"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { AREA_ROLES } from "@/lib/auth/roles";
import { getEngine, getSettingsSource } from "@/lib/server/engine";
import { claimReview, decideReview, releaseReview, type ReviewRefusal } from "@/lib/orchestrator/review-decisions";
import { retryReview } from "@/lib/orchestrator/review-retry";
import { parseDecisionInput } from "@/lib/reviews/decision-input";

// Thin, like every action: parse, check the role against the database (a session's
// copy of the role may be minutes out of date), call lib, revalidate. The decision
// itself reads the role again inside its transaction.

export type ReviewActionError = "invalid_input" | "unauthorized" | "retry_failed" | ReviewRefusal;
export type DecisionActionResult =
  | { ok: true; status: "approved" | "rejected" }
  | { ok: false; error: ReviewActionError; claimedBy?: string; issues?: { path: string; message: string }[]; message?: string };
export type ClaimActionResult = { ok: true } | { ok: false; error: ReviewActionError; claimedBy?: string };

const idSchema = z.object({ reviewId: z.string().uuid(), expectedVersion: z.coerce.number().int().min(0).optional() });

function revalidate(reviewId: string) {
  revalidatePath("/reviews");
  revalidatePath(`/reviews/${reviewId}`);
}

async function actingStaff() {
  const access = await requireRoleFromDatabase(AREA_ROLES.reviews);
  if (!access.ok) return { ok: false as const, error: access.error };
  return { ok: true as const, acting: { staff: { id: access.staff.id, email: access.staff.email, name: access.staff.name }, allowedRoles: AREA_ROLES.reviews } };
}

/** Decides one item the signed-in reviewer holds: approve, reject (with a note) or answer the customer. */
export async function decideReviewAction(_prev: DecisionActionResult | null, formData: FormData): Promise<DecisionActionResult> {
  const parsed = parseDecisionInput({
    reviewId: formData.get("reviewId"), decision: formData.get("decision"), note: formData.get("note"),
    reply: formData.get("reply"), expectedVersion: formData.get("expectedVersion"),
  });
  if (!parsed.ok) return { ok: false, error: "invalid_input", issues: parsed.issues };
  // Checked here, not only on the page: an action is reachable by a direct POST.
  const who = await actingStaff();
  if (!who.ok) return who;
  const result =
    parsed.input.decision === "retry"
      ? await retryReview(getEngine(), { ...who.acting, reviewId: parsed.input.reviewId, expectedVersion: parsed.input.expectedVersion })
      : await decideReview(getEngine(), { ...parsed.input, ...who.acting });
  if (result.ok || result.error !== "forbidden") revalidate(parsed.input.reviewId);
  return result;
}

/** Claims an item for the signed-in reviewer for the configured claim time. */
export async function claimReviewAction(_prev: ClaimActionResult | null, formData: FormData): Promise<ClaimActionResult> {
  const parsed = idSchema.safeParse({ reviewId: formData.get("reviewId"), expectedVersion: formData.get("expectedVersion") || undefined });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const who = await actingStaff();
  if (!who.ok) return who;
  const minutes = (await getSettingsSource().current()).settings.policy.claimMinutes;
  const result = await claimReview(getEngine(), { ...parsed.data, ...who.acting, minutes });
  revalidate(parsed.data.reviewId);
  return result.ok ? { ok: true } : result;
}

/** Gives a claim back: one's own, or (admins) anyone's. */
export async function releaseReviewAction(_prev: ClaimActionResult | null, formData: FormData): Promise<ClaimActionResult> {
  const parsed = idSchema.safeParse({ reviewId: formData.get("reviewId") });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const who = await actingStaff();
  if (!who.ok) return who;
  const asAdmin = (await requireRoleFromDatabase(["admin"])).ok;
  const result = await releaseReview(getEngine(), { reviewId: parsed.data.reviewId, ...who.acting, asAdmin });
  revalidate(parsed.data.reviewId);
  return result;
}
