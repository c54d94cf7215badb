import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "./engine";
import { decideReview } from "./review-decisions";
import { listEvents, requestReviewItem } from "./store";

const db = useTestDb();
const engine = () => createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
const ROAMING = "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.";

async function runAwaitingReview() {
  const deps = engine();
  const { run, done } = await submitMessage(deps, { customerId: "C-1002", message: ROAMING });
  expect(await done).toBe("awaiting_review");
  const review = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "credit_over_limit" } });
  return { deps, run, review };
}

async function followUps(runId: string) {
  return db.message.count({ where: { runId, role: "assistant", content: { startsWith: "Update" } } });
}

describe("review decisions", () => {
  beforeEach(() => resetTestWorld(db));

  it("lets exactly one of 20 concurrent decisions win: one credit, one follow-up, one review_decided", async () => {
    const { deps, run, review } = await runAwaitingReview();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        decideReview(deps, { reviewId: review.id, decision: i % 2 ? "reject" : "approve", note: `reviewer ${i}`, staffEmail: `r${i}@switchboard.local` }),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "already_decided")).toHaveLength(19);

    const decided = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    const credits = await db.credit.count({ where: { customerId: "C-1002", source: "approved" } });
    // What the ledger says matches what the customer is told.
    expect(credits).toBe(decided.status === "approved" ? 1 : 0);
    expect(await followUps(run.id)).toBe(1);
    const message = await db.message.findFirstOrThrow({ where: { runId: run.id, content: { startsWith: "Update" } } });
    expect(message.content).toMatch(decided.status === "approved" ? /approved the \$85\.00 credit/ : /did not approve/);
    const events = await listEvents(db, run.id);
    expect(events.filter((e) => e.type === "review_decided")).toHaveLength(1);
    expect(events.filter((e) => e.type === "run_finished" && e.status === "completed")).toHaveLength(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
  });

  it("rolls the whole decision back when its action fails: the item stays pending and nobody is told anything", async () => {
    const { deps, run, review } = await runAwaitingReview();
    // The customer row disappears from under the approval, so applying the credit throws.
    const orphan = await requestReviewItem(db, {
      runId: run.id, taskId: "t9", customerId: "C-9999", kind: "credit_over_limit", summary: "orphan",
      proposedAction: { type: "credit", invoiceId: "INV-1002-2611", amountCents: 8500, reason: "test" }, context: {},
    });
    await expect(decideReview(deps, { reviewId: orphan.item.id, decision: "approve", staffEmail: "r@switchboard.local" })).rejects.toThrow();
    const after = await db.reviewItem.findUniqueOrThrow({ where: { id: orphan.item.id } });
    expect([after.status, after.decidedBy, after.followedUpAt]).toEqual(["pending", null, null]);
    expect(await followUps(run.id)).toBe(0);
    expect((await listEvents(db, run.id)).filter((e) => e.type === "review_decided")).toHaveLength(0);
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
    // The other item is still decidable, and the run waits for the orphan.
    expect(await decideReview(deps, { reviewId: review.id, decision: "approve", staffEmail: "r@switchboard.local" })).toEqual({ ok: true, status: "approved" });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("awaiting_review");
  });

  it("completes a run whose two review items are decided at the same moment", async () => {
    const { deps, run, review } = await runAwaitingReview();
    const second = await requestReviewItem(db, {
      runId: run.id, taskId: "t8", customerId: "C-1002", kind: "low_confidence", summary: "second look", context: {},
    });
    const results = await Promise.all([
      decideReview(deps, { reviewId: review.id, decision: "reject", note: "no", staffEmail: "a@switchboard.local" }),
      decideReview(deps, { reviewId: second.item.id, decision: "approve", staffEmail: "b@switchboard.local" }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
    expect(await followUps(run.id)).toBe(2);
    const events = await listEvents(db, run.id);
    expect(events.filter((e) => e.type === "run_finished" && e.status === "completed")).toHaveLength(1);
  });

  it("refuses an unknown review id without changing anything", async () => {
    const deps = engine();
    expect(await decideReview(deps, { reviewId: "00000000-0000-4000-8000-000000000000", decision: "approve", staffEmail: "r@x" })).toEqual({ ok: false, error: "not_found" });
  });

  it("keeps both the run's reply and a follow-up decided while the run was still synthesizing", async () => {
    let decided: unknown = null;
    const deps = createEngine({
      db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10,
      async onBoundary(name, runId) {
        if (name !== "synthesized") return;
        const review = await db.reviewItem.findFirstOrThrow({ where: { runId } });
        decided = await decideReview(deps, { reviewId: review.id, decision: "approve", staffEmail: "r@switchboard.local" });
      },
    });
    const { run, done } = await submitMessage(deps, { customerId: "C-1002", message: ROAMING });
    expect(await done).toBe("completed");
    expect(decided).toEqual({ ok: true, status: "approved" });
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    const messages = await db.message.findMany({ where: { runId: run.id, role: "assistant" }, orderBy: { createdAt: "asc" } });
    expect(messages.map((m) => m.content)).toContain(stored.reply);
    expect(messages.filter((m) => m.content.startsWith("Update"))).toHaveLength(1);
    expect(messages).toHaveLength(2);
  });
});
