import { z } from "zod";
import type { Clock } from "../clock";
import type { ReviewItem } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";
import { formatCents } from "../money";
import { applyApprovedAction, proposedActionSchema } from "../tools/approved-actions";
import type { RunEventBus } from "./event-bus";
import type { StoredRunEvent } from "./events";
import type { ReviewKind } from "../contracts";
import { appendEvent, claimFollowUp, completeRunIfSettled, decideReviewItem, getRun, recordReviewOutcome, reviewExists } from "./store";

export const reviewDecisionSchema = z.object({
  reviewId: z.string().uuid(),
  decision: z.enum(["approve", "reject"]),
  note: z.string().trim().max(2000).optional(),
});
export type ReviewDecisionInput = z.infer<typeof reviewDecisionSchema>;

export type ReviewDecisionResult =
  | { ok: true; status: "approved" | "rejected" }
  | { ok: false; error: "not_found" | "already_decided" };

export interface ReviewDeps {
  db: Db;
  clock: Clock;
  bus?: RunEventBus;
}

/**
 * Records a reviewer's decision and carries it out, all in one transaction: the
 * compare-and-set on `pending` (two reviewers cannot both win), the approved action
 * (exactly as stored, idempotency key review:<id>), the customer's follow-up and
 * the review_decided event, and the run's completion once nothing of it waits for a
 * person. Any failure rolls all of it back and the item stays pending.
 */
export async function decideReview(deps: ReviewDeps, input: ReviewDecisionInput & { staffEmail: string }): Promise<ReviewDecisionResult> {
  const status = input.decision === "approve" ? "approved" : "rejected";
  const events: StoredRunEvent[] = [];
  const runId = await deps.db.$transaction(
    async (tx) => {
      const item = await decideReviewItem(tx, { reviewId: input.reviewId, status, by: input.staffEmail, note: input.note || null });
      if (!item) return null;
      let outcome: ReviewOutcome = null;
      if (status === "approved") {
        const action = proposedActionSchema.safeParse(item.proposedAction);
        if (action.success) {
          const res = (await applyApprovedAction(
            { db: tx, clock: deps.clock, customerId: item.customerId, runId: item.runId, taskId: item.taskId },
            action.data,
            item.id,
          )) as { status?: string; reason?: string };
          outcome = { applied: res.status === "applied", reason: res.reason };
          await recordReviewOutcome(tx, item, outcome);
        }
      }
      events.push(...(await followUp(tx, item, outcome)));
      return item.runId;
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
  if (!runId) {
    return { ok: false, error: (await reviewExists(deps.db, input.reviewId)) ? "already_decided" : "not_found" };
  }
  for (const e of events) deps.bus?.publish(runId, e);
  return { ok: true, status };
}

type ReviewOutcome = { applied: boolean; reason?: string } | null;

/**
 * The customer's follow-up message and the review_decided event, exactly once per
 * decision (the follow-up compare-and-set owns them), then the run's completion.
 */
async function followUp(tx: Tx, item: ReviewItem, outcome: ReviewOutcome): Promise<StoredRunEvent[]> {
  if (!(await claimFollowUp(tx, item.id))) return [];
  const run = await getRun(tx, item.runId);
  const decision = item.status as "approved" | "rejected";
  const now = new Date();
  await tx.message.create({
    data: { conversationId: run.conversationId, role: "assistant", content: followUpText(item.kind, decision, item.proposedAction, outcome), runId: run.id },
  });
  const events = [
    await appendEvent(tx, run.id, { type: "review_decided", reviewId: item.id, kind: item.kind, decision, by: item.decidedBy ?? "", note: item.note }, now),
  ];
  if (await completeRunIfSettled(tx, run.id, item.decidedBy ?? "reviewer")) {
    events.push(await appendEvent(tx, run.id, {
      type: "run_finished", status: "completed", reply: run.reply ?? "", tokensIn: run.tokensIn, tokensOut: run.tokensOut, latencyMs: run.latencyMs ?? 0,
    }, now));
  }
  return events;
}

/** What the customer is told after a human decided. Internal notes are never shown. */
export function followUpText(kind: ReviewKind, status: string, proposed: unknown, outcome: { applied: boolean; reason?: string } | null): string {
  const action = proposedActionSchema.safeParse(proposed);
  const approved = status === "approved";
  if (action.success && action.data.type === "credit") {
    const amt = formatCents(action.data.amountCents);
    if (!approved) return `Update on your request: a billing specialist reviewed the ${amt} credit on invoice ${action.data.invoiceId} and did not approve it. Reply here if you'd like to know more.`;
    return outcome?.applied === false
      ? `Update on your request: the ${amt} credit on invoice ${action.data.invoiceId} was approved but could not be applied (${outcome.reason ?? "it no longer applies"}). A specialist will contact you.`
      : `Update on your request: a billing specialist approved the ${amt} credit on invoice ${action.data.invoiceId}, and it has been applied to your account.`;
  }
  if (action.success && action.data.type === "plan_change") {
    const fee = action.data.feeCents ? ` The early-termination fee of ${formatCents(action.data.feeCents)} applies.` : "";
    if (!approved) return "Update on your request: the plan change you asked for was reviewed and not approved, so your plan stays as it is. Reply here if you'd like to talk about other options.";
    return outcome?.applied === false
      ? `Update on your request: your plan change was approved but could not be carried out (${outcome.reason ?? "the account is not eligible"}). A specialist will contact you.`
      : `Update on your request: your plan change was approved and is now active.${fee}`;
  }
  if (kind === "low_confidence") {
    return approved
      ? "Update: a specialist reviewed our earlier answer and confirmed it."
      : "Update: a specialist reviewed our earlier answer and will contact you with a corrected one.";
  }
  return "Update: a member of our team has picked up the part of your request we couldn't complete earlier and will contact you.";
}
