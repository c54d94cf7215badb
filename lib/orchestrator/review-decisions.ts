import { z } from "zod";
import type { Clock } from "../clock";
import type { Db } from "../db/client";

export const reviewDecisionSchema = z.object({
  reviewId: z.string().uuid(),
  decision: z.enum(["approve", "reject"]),
  note: z.string().trim().max(2000).optional(),
});
export type ReviewDecisionInput = z.infer<typeof reviewDecisionSchema>;

export type ReviewDecisionResult =
  | { ok: true; status: "approved" | "rejected" }
  | { ok: false; error: "not_found" | "already_decided" };

/**
 * Records a reviewer's decision on a pending review item. Compare-and-set on status,
 * so two reviewers deciding at once cannot both win.
 */
export async function decideReview(
  deps: { db: Db; clock: Clock },
  input: ReviewDecisionInput & { staffEmail: string },
): Promise<ReviewDecisionResult> {
  const status = input.decision === "approve" ? "approved" : "rejected";
  const updated = await deps.db.reviewItem.updateMany({
    where: { id: input.reviewId, status: "pending" },
    data: { status, decidedBy: input.staffEmail, note: input.note ?? null, decidedAt: deps.clock.now() },
  });
  if (updated.count === 1) return { ok: true, status };
  const exists = await deps.db.reviewItem.count({ where: { id: input.reviewId } });
  return { ok: false, error: exists ? "already_decided" : "not_found" };
}
