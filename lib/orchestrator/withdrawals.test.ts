import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "./engine";
import { claimAndDecide } from "./review-decisions";
import { withdrawAndAdvance, withdrawalReply } from "./withdrawals";
import { planSchema } from "../contracts";

// A customer taking back what waits for a specialist, on the seeded world with the
// local model: C-1002's roaming charge ($85, over the automatic limit) goes to review
// when they ask for it back.

const db = useTestDb();
beforeEach(() => resetTestWorld(db));

const engine = () => createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });
const REFUND = "I never used roaming abroad, please refund the international roaming pass on my bill";

async function conversationWithPendingCredit() {
  const deps = engine();
  const first = await submitMessage(deps, { customerId: "C-1002", message: REFUND });
  expect(await first.done).toBe("awaiting_review");
  const item = await db.reviewItem.findFirstOrThrow({ where: { runId: first.run.id } });
  expect(item).toMatchObject({ status: "pending", proposedAction: { type: "credit", amountCents: 8500 } });
  const say = async (message: string) => {
    const { run, done } = await submitMessage(deps, { customerId: "C-1002", message, conversationId: first.run.conversationId });
    await done;
    return db.run.findUniqueOrThrow({ where: { id: run.id } });
  };
  return { deps, first: first.run, item, say };
}

describe("a customer withdrawing a request that waits for review", () => {
  it("closes the item as withdrawn with their words, completes the run that asked, and says so", async () => {
    const { first, item, say } = await conversationWithPendingCredit();
    const run = await say("actually never mind, forget the refund");

    const after = await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(after).toMatchObject({ status: "withdrawn", resolution: "withdrawn", decidedBy: "customer", note: "actually never mind, forget the refund", withdrawnByRunId: run.id });
    expect(after.followedUpAt).not.toBeNull();
    expect(planSchema.parse(run.plan)).toMatchObject({ kind: "small_talk", tasks: [], withdraw: [item.id] });
    expect(run.reply).toBe("I've withdrawn your request for the $85.00 credit, so a specialist won't act on it and nothing on your bill has changed. Is there anything else I can help with?");
    // Nothing was credited, and the run that asked for it no longer waits.
    expect(await db.credit.count({ where: { customerId: "C-1002" } })).toBe(0);
    expect((await db.run.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("completed");
    const events = await db.runEvent.findMany({ where: { runId: first.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.type).slice(-2)).toEqual(["review_decided", "run_finished"]);
    expect(events.at(-2)!.data).toMatchObject({ decision: "withdrawn", by: "customer", note: "actually never mind, forget the refund" });
    // On the audit log, with the customer's words.
    const audit = await db.auditEntry.findFirstOrThrow({ where: { kind: "review_withdrawal", subject: `review:${item.id}` } });
    expect(audit).toMatchObject({ actor: "customer:C-1002", runId: first.id });
    expect(audit.payload).toMatchObject({ words: "actually never mind, forget the refund", byRunId: run.id });
  });

  it("leaves a reviewer nothing to decide, and tells them why", async () => {
    const { deps, item, say } = await conversationWithPendingCredit();
    await say("cancel my refund request please");
    const decided = await claimAndDecide(deps, { reviewId: item.id, decision: "approve", staffEmail: "reviewer@switchboard.local" });
    expect(decided).toEqual({ ok: false, error: "withdrawn" });
    expect(await db.credit.count({ where: { customerId: "C-1002" } })).toBe(0);
  });

  it("does not withdraw on a mere 'no thanks' to 'anything else?'", async () => {
    const { item, say } = await conversationWithPendingCredit();
    const run = await say("no thanks, that's all");
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("pending");
    expect(planSchema.parse(run.plan).withdraw).toBeUndefined();
    expect(run.reply).toMatch(/with a specialist/);
  });

  it("tells the truth when a reviewer approved it first", async () => {
    const { deps, item, say } = await conversationWithPendingCredit();
    expect(await claimAndDecide(deps, { reviewId: item.id, decision: "approve", staffEmail: "reviewer@switchboard.local" })).toMatchObject({ ok: true });
    // The approval lands before the customer's message: the state the planner reads has
    // nothing pending any more, so nothing is withdrawn and the reply claims no withdrawal.
    const run = await say("never mind, cancel that");
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("approved");
    expect(await db.credit.count({ where: { customerId: "C-1002", amountCents: 8500 } })).toBe(1);
    expect(run.reply).not.toMatch(/withdrawn/);
  });

  it("reports a reviewer's approval that won the race against the withdrawal", async () => {
    const { deps, item, say } = await conversationWithPendingCredit();
    // A plan that named the item while it was pending (built here by hand), and an
    // approval that committed before the withdrawal: the reply reads what happened.
    const planned = await say("hi");
    expect(await claimAndDecide(deps, { reviewId: item.id, decision: "approve", staffEmail: "reviewer@switchboard.local" })).toMatchObject({ ok: true });
    const reply = await withdrawalReply(db, planned, { kind: "small_talk", via: "planner", tasks: [], withdraw: [item.id], confidence: 0 });
    expect(reply).toMatch(/^A specialist had already approved your request for the \$85\.00 credit before your message reached them, so I couldn't withdraw it/);
    expect(reply).not.toMatch(/I've withdrawn/);
  });

  it("withdraws nothing when the run's lease is gone: the item stays pending and the step does not move", async () => {
    const { item, first } = await conversationWithPendingCredit();
    const plan = { kind: "small_talk" as const, via: "planner" as const, tasks: [], withdraw: [item.id], confidence: 0 };
    // A lease this process does not hold (another executor took the run over).
    const lease = { runId: first.id, owner: "someone-else", epoch: 99 };
    await expect(withdrawAndAdvance(db, lease, { id: first.id, customerId: "C-1002", input: "never mind" }, plan)).rejects.toThrow();
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("pending");
    expect(await db.auditEntry.count({ where: { kind: "review_withdrawal", subject: `review:${item.id}` } })).toBe(0);
  });

  it("never withdraws another customer's item, whatever the plan names", async () => {
    const { item } = await conversationWithPendingCredit();
    const deps = engine();
    const other = await submitMessage(deps, { customerId: "C-1001", message: "hello" });
    await other.done;
    const plan = { kind: "small_talk" as const, via: "planner" as const, tasks: [], withdraw: [item.id], confidence: 0 };
    // C-1001's run names C-1002's item: the compare-and-set is scoped to the customer.
    await db.run.update({ where: { id: other.run.id }, data: { status: "running", step: "planned", leaseOwner: "t", attempts: 1 } });
    await withdrawAndAdvance(db, { runId: other.run.id, owner: "t", epoch: 1 }, { id: other.run.id, customerId: "C-1001", input: "never mind" }, plan);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("pending");
  });
});
