import type { Run } from "../generated/prisma/client";
import type { Db } from "../db/client";
import { fenceTransaction, type RunLease } from "../db/run-lease";
import type { Plan } from "../contracts";
import type { EngineDeps } from "./deps";
import type { StoredRunEvent } from "./events";
import { reviewKindEnabled } from "./settings";
import { advanceStep, appendEvent, requestReviewItem } from "./store";

// The customer needs a person (plan kind `handoff`: they asked for one, asked the same
// thing again after it was not resolved, or wrote in distress). No worker runs: the
// conversation goes to the desk as a review item of kind `handoff`, claimed and answered
// like the others (the person's answer reaches the open chat as a follow-up), and the
// customer is told who will answer and how long it usually takes.

/** Why the supervisor handed off, for the desk: the plan's own words, or a default. */
const reasonOf = (plan: Plan) => plan.reply?.trim() || "The customer asked to talk to a person.";

/**
 * Puts the conversation on the desk and moves the run planned → workers_done, in one
 * transaction fenced by the run's lease: the item, its review_requested event and the
 * step commit together or not at all. Returns the event to publish (none when the item
 * was there already: a resumed run).
 */
export async function handOff(db: Db, lease: RunLease, run: Pick<Run, "id" | "customerId" | "input">, plan: Plan): Promise<StoredRunEvent[]> {
  return db.$transaction(async (tx) => {
    await fenceTransaction(tx, lease);
    const summary = reasonOf(plan);
    const { item, created } = await requestReviewItem(tx, {
      runId: run.id, taskId: "handoff", customerId: run.customerId, kind: "handoff", summary,
      context: { input: run.input, reason: summary },
    });
    const events = created ? [await appendEvent(tx, run.id, { type: "review_requested", reviewId: item.id, taskId: "handoff", kind: "handoff", summary }, new Date(), { lease })] : [];
    await advanceStep(tx, lease, "planned", "workers_done");
    return events;
  });
}

/** Whether this run's settings let the assistant hand a conversation to the desk. */
export const handoffEnabled = (deps: Pick<EngineDeps, "runSettings">) => reviewKindEnabled(deps, "handoff");

/**
 * What the customer is told: a person will answer here, how many conversations wait
 * before theirs and the answer time the desk aims for (the handoff SLA in force).
 */
export async function handoffReply(db: Db, run: Pick<Run, "id">, slaMinutes: number): Promise<string> {
  const mine = await db.reviewItem.findFirst({ where: { runId: run.id, kind: "handoff" }, select: { createdAt: true } });
  if (!mine) return NO_ONE_REPLY;
  const ahead = await db.reviewItem.count({ where: { kind: "handoff", status: "pending", createdAt: { lt: mine.createdAt } } });
  const queue = ahead === 0 ? "You're next in line" : ahead === 1 ? "There is one conversation ahead of yours" : `There are ${ahead} conversations ahead of yours`;
  return `I've asked a person from our support team to take over, and they'll reply here in this chat. ${queue}, and we aim to answer within ${slaMinutes} minutes.`;
}

/** When handoffs are switched off in the settings: said plainly, and the assistant stays. */
export const NO_ONE_REPLY =
  "I'm sorry, there's no one from our team available in this chat right now. I'm still here to help with your bill, your internet connection and your plan.";
