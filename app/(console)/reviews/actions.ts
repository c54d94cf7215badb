"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { AREA_ROLES } from "@/lib/auth/roles";
import { getEngine, getSettingsSource } from "@/lib/server/app-process";
import { claim, release } from "@/lib/reviews/claim";
import { decide } from "@/lib/reviews/decide";
import { parseDecisionInput } from "@/lib/reviews/decision-input";
import type { ReviewRefusalCode, ReviewUseCaseRefusal } from "@/lib/reviews/refusals";
import type { DecidedReviewStatus } from "@/lib/contracts";

// Thin, like every action: parse, check the role against the database (a session's
// copy of the role may be minutes out of date), call the use case (lib/reviews/decide.ts,
// lib/reviews/claim.ts, shared with the review API), revalidate. The use case reads the
// role again inside its transaction.

export type ReviewActionError = "invalid_input" | "unauthorized" | ReviewRefusalCode;
// `message` is the use case's own sentence for a refusal (lib/reviews/refusals.ts, the
// same the API answers with); the form words only the action's own two codes.
export type DecisionActionResult =
  | { ok: true; status: DecidedReviewStatus }
  | { ok: false; error: ReviewActionError; claimedBy?: string; issues?: { path: string; message: string }[]; message?: string };
export type ClaimActionResult = { ok: true } | { ok: false; error: ReviewActionError; claimedBy?: string; message?: string };

const idSchema = z.object({ reviewId: z.string().uuid(), expectedVersion: z.coerce.number().int().min(0).optional() });

function revalidate(reviewId: string) {
  revalidatePath("/reviews");
  revalidatePath(`/reviews/${reviewId}`);
}

async function actingStaff() {
  const access = await requireRoleFromDatabase(AREA_ROLES.reviews);
  if (!access.ok) return { ok: false as const, error: access.error };
  return { ok: true as const, staff: { id: access.staff.id, email: access.staff.email, name: access.staff.name } };
}

/** A use case's refusal as this page's state: the code, its sentence, who holds the item. */
function refused(refusal: ReviewUseCaseRefusal): { ok: false; error: ReviewActionError; claimedBy?: string; message: string } {
  return { ok: false, error: refusal.code, message: refusal.message, ...("claimedBy" in refusal && refusal.claimedBy ? { claimedBy: refusal.claimedBy } : {}) };
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
  const result = await decide({ engine: getEngine() }, { staff: who.staff, decision: parsed.input });
  if (result.ok || result.refusal.code !== "forbidden") revalidate(parsed.input.reviewId);
  return result.ok ? result : refused(result.refusal);
}

/** Claims an item for the signed-in reviewer for the configured claim time. */
export async function claimReviewAction(_prev: ClaimActionResult | null, formData: FormData): Promise<ClaimActionResult> {
  const parsed = idSchema.safeParse({ reviewId: formData.get("reviewId"), expectedVersion: formData.get("expectedVersion") || undefined });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const who = await actingStaff();
  if (!who.ok) return who;
  const result = await claim({ engine: getEngine(), settings: getSettingsSource() }, { staff: who.staff, ...parsed.data });
  revalidate(parsed.data.reviewId);
  return result.ok ? { ok: true } : refused(result.refusal);
}

/** Gives a claim back: one's own, or (admins) anyone's. */
export async function releaseReviewAction(_prev: ClaimActionResult | null, formData: FormData): Promise<ClaimActionResult> {
  const parsed = idSchema.safeParse({ reviewId: formData.get("reviewId") });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const who = await actingStaff();
  if (!who.ok) return who;
  const asAdmin = (await requireRoleFromDatabase(["admin"])).ok;
  const result = await release({ engine: getEngine() }, { staff: who.staff, reviewId: parsed.data.reviewId, asAdmin });
  revalidate(parsed.data.reviewId);
  return result.ok ? result : refused(result.refusal);
}
