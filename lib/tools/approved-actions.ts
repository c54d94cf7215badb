import { z } from "zod";
import { applyApprovedCredit } from "./billing/issue-credit";
import type { ToolContext } from "./context";
import { applyApprovedPlanChange } from "./crm/change-plan";

;

/** The `proposedAction` that issue_credit and change_plan return with needs_approval (stored on the review item). */
export const proposedActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("credit"), invoiceId: z.string(), amountCents: z.number().int().positive(), reason: z.string() }),
  z.object({ type: z.literal("plan_change"), toPlanId: z.string(), feeCents: z.number().int().min(0) }),
]);
export type ProposedAction = z.infer<typeof proposedActionSchema>;

/**
 * Executes a reviewer-approved action exactly once per review (idempotency key
 * `review:${reviewId}`); calling it again returns the recorded result with replayed: true.
 */
export async function applyApprovedAction(ctx: ToolContext, action: ProposedAction, reviewId: string) {
  return action.type === "credit"
    ? applyApprovedCredit(ctx, { invoiceId: action.invoiceId, amountCents: action.amountCents, reason: action.reason, reviewId })
    : applyApprovedPlanChange(ctx, { toPlanId: action.toPlanId, feeCents: action.feeCents, reviewId });
}
