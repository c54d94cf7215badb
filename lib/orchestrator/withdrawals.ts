import type { ReviewItem } from "../generated/prisma/client";
import type { Run } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";
import type { RunLease } from "../db/run-lease";
import { appendAudit } from "../db/audit";
import { formatCents } from "../money";
import type { Plan } from "../contracts";
import type { StoredRunEvent } from "./events";
import { advanceStep, appendEvent, completeRunIfSettled, getRun, withdrawReviewItem } from "./store";

// A customer taking back what waits for a person ("never mind, keep my plan" after a
// downgrade went to review): the planner names the items (the plan's `withdraw`, from
// the conversation state's `pending`), and this carries it out, once, in the
// transaction that ends the run's workers step, so a crash either withdrew and moved on
// or did neither. Only items still pending for this customer are touched, whatever a
// model named. The reply is written from what the items say afterwards, so it is true
// however a race with a reviewer ended.

/**
 * Withdraws the plan's items and advances the run planned → workers_done, in one
 * transaction. Each withdrawn item gets its audit entry (with the customer's words) and
 * a review_decided event on the run that asked for it, which completes once nothing of
 * it waits any more. Returns the events to publish.
 */
export async function withdrawAndAdvance(db: Db, lease: RunLease, run: Pick<Run, "id" | "customerId" | "input">, plan: Plan): Promise<RunEventOf[]> {
  const ids = [...new Set(plan.kind === "small_talk" ? (plan.withdraw ?? []) : [])];
  return db.$transaction(async (tx) => {
    const events: RunEventOf[] = [];
    const now = new Date();
    for (const reviewId of ids) {
      const item = await withdrawReviewItem(tx, { reviewId, customerId: run.customerId, byRunId: run.id, words: run.input, now });
      if (item) events.push(...(await recordWithdrawal(tx, item, run, now)));
    }
    await advanceStep(tx, lease, "planned", "workers_done");
    return events;
  });
}

/** An event and the run it belongs to (the one that asked for the item, not the one withdrawing it). */
export type RunEventOf = { runId: string; event: StoredRunEvent };

async function recordWithdrawal(tx: Tx, item: ReviewItem, run: Pick<Run, "id" | "customerId">, now: Date): Promise<RunEventOf[]> {
  await appendAudit(tx, {
    kind: "review_withdrawal", actor: `customer:${run.customerId}`, runId: item.runId, subject: `review:${item.id}`,
    payload: { words: item.note, byRunId: run.id, proposedAction: item.proposedAction ?? null, version: item.version },
  });
  const owner = await getRun(tx, item.runId);
  const events = [await appendEvent(tx, owner.id, { type: "review_decided", reviewId: item.id, kind: item.kind, decision: "withdrawn", by: "customer", note: item.note }, now)];
  if (await completeRunIfSettled(tx, owner.id, `customer:${run.customerId}`)) {
    events.push(await appendEvent(tx, owner.id, {
      type: "run_finished", status: "completed", reply: owner.reply ?? "", tokensIn: owner.tokensIn, tokensOut: owner.tokensOut, latencyMs: owner.latencyMs ?? 0,
    }, now));
  }
  return events.map((event) => ({ runId: owner.id, event }));
}

type Proposed = { type?: string; amountCents?: number; toPlanId?: string };

/**
 * What the customer is told about the items they took back, read after the fact: the
 * ones this run withdrew, and for the others what happened first (a reviewer decided,
 * or an earlier message withdrew it). Null when the plan withdrew nothing.
 */
export async function withdrawalReply(db: Db, run: Pick<Run, "id" | "customerId">, plan: Plan): Promise<string | null> {
  const ids = plan.kind === "small_talk" ? (plan.withdraw ?? []) : [];
  if (!ids.length) return null;
  const items = await db.reviewItem.findMany({ where: { id: { in: ids }, customerId: run.customerId }, orderBy: { createdAt: "asc" } });
  if (!items.length) return null;
  const planIds = items.map((i) => (i.proposedAction as Proposed | null)?.toPlanId).filter((x): x is string => Boolean(x));
  const plans = new Map((await db.plan.findMany({ where: { id: { in: planIds } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  const sentences = items.map((item) => {
    const a = (item.proposedAction ?? {}) as Proposed;
    const what = a.type === "credit"
      ? `your request for the ${a.amountCents ? `${formatCents(a.amountCents)} ` : ""}credit`
      : a.type === "plan_change"
        ? `your request to move to ${plans.get(a.toPlanId ?? "") ?? "the new plan"}`
        : "your request";
    const stays = a.type === "credit" ? "nothing on your bill has changed" : a.type === "plan_change" ? "your plan stays as it is" : "nothing has changed";
    if (item.status === "withdrawn" && item.withdrawnByRunId === run.id) return `I've withdrawn ${what}, so a specialist won't act on it and ${stays}.`;
    if (item.status === "withdrawn") return `You had already withdrawn ${what}, so ${stays}.`;
    if (item.status === "approved") return `A specialist had already approved ${what} before your message reached them, so I couldn't withdraw it; their update above says what was done.`;
    if (item.status === "rejected") return `A specialist had already decided on ${what} and didn't approve it, so ${stays}.`;
    return `I couldn't withdraw ${what}: it is still with a specialist.`;
  });
  return [...sentences, "Is there anything else I can help with?"].join(" ");
}
