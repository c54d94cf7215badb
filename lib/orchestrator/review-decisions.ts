import { z } from "zod";
import type { Clock } from "../clock";
import type { Db } from "../db/client";
import { formatCents } from "../money";
import { applyApprovedAction, proposedActionSchema } from "../tools/approved-actions";
import type { RunEventBus } from "./event-bus";
import type { NewRunEvent, ReviewKind } from "./events";
import { appendEvent } from "./store";

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
 * Records a reviewer's decision and carries it out. The decision is a
 * compare-and-set on `pending`, so two reviewers cannot both win. An approval goes
 * through `approving` first: the approved action runs exactly once (idempotency key
 * review:<id>) and only then is the item `approved`; an item left in `approving` by
 * a crash is finished by `finishInterruptedApprovals`.
 */
export async function decideReview(deps: ReviewDeps, input: ReviewDecisionInput & { staffEmail: string }): Promise<ReviewDecisionResult> {
  const next = input.decision === "approve" ? "approving" : "rejected";
  const updated = await deps.db.reviewItem.updateMany({
    where: { id: input.reviewId, status: "pending" },
    data: { status: next, decidedBy: input.staffEmail, note: input.note || null, decidedAt: new Date() },
  });
  if (updated.count !== 1) {
    const exists = await deps.db.reviewItem.count({ where: { id: input.reviewId } });
    return { ok: false, error: exists ? "already_decided" : "not_found" };
  }
  await completeDecision(deps, input.reviewId);
  return { ok: true, status: input.decision === "approve" ? "approved" : "rejected" };
}

/** Finishes approvals a crashed process left half-done (safe to call any time). */
export async function finishInterruptedApprovals(deps: ReviewDeps) {
  const stuck = await deps.db.reviewItem.findMany({ where: { status: "approving" }, select: { id: true } });
  for (const r of stuck) await completeDecision(deps, r.id);
}

async function completeDecision(deps: ReviewDeps, reviewId: string) {
  const item = await deps.db.reviewItem.findUniqueOrThrow({ where: { id: reviewId } });
  const run = await deps.db.run.findUniqueOrThrow({ where: { id: item.runId } });
  let outcome: { applied: boolean; reason?: string } | null = null;

  if (item.status === "approving") {
    const action = proposedActionSchema.safeParse(item.proposedAction);
    if (action.success) {
      const res = (await applyApprovedAction(
        { db: deps.db, clock: deps.clock, customerId: item.customerId, runId: item.runId, taskId: item.taskId },
        action.data,
        item.id,
      )) as { status?: string; reason?: string };
      outcome = { applied: res.status === "applied", reason: res.reason };
    }
    await deps.db.reviewItem.updateMany({
      where: { id: item.id, status: "approving" },
      data: { status: "approved", context: { ...(item.context as object), outcome } as object },
    });
  }
  const decided = await deps.db.reviewItem.findUniqueOrThrow({ where: { id: reviewId } });
  if (decided.status !== "approved" && decided.status !== "rejected") return;

  const emit = async (e: NewRunEvent) => {
    const stored = await appendEvent(deps.db, run.id, e, new Date());
    deps.bus?.publish(run.id, stored);
  };
  // The follow-up is posted once per review, even if this runs twice after a crash.
  const already = await deps.db.runEvent.count({ where: { runId: run.id, type: "review_decided", data: { path: ["reviewId"], equals: reviewId } } });
  if (already === 0) {
    await deps.db.message.create({
      data: { conversationId: run.conversationId, role: "assistant", content: followUpText(decided.kind as ReviewKind, decided.status, decided.proposedAction, (decided.context as any)?.outcome ?? outcome), runId: run.id },
    });
    await emit({ type: "review_decided", reviewId, kind: decided.kind as ReviewKind, decision: decided.status as "approved" | "rejected", by: decided.decidedBy ?? "", note: decided.note });
  }

  // The run finishes by itself once nothing of it waits for a human any more.
  const open = await deps.db.reviewItem.count({ where: { runId: run.id, status: { in: ["pending", "approving"] } } });
  if (open === 0) {
    const done = await deps.db.run.updateMany({ where: { id: run.id, status: "awaiting_review" }, data: { status: "completed", finishedAt: new Date() } });
    if (done.count === 1) {
      await emit({ type: "run_finished", status: "completed", reply: run.reply ?? "", tokensIn: run.tokensIn, tokensOut: run.tokensOut, latencyMs: run.latencyMs ?? 0 });
    }
  }
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
