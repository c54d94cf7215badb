import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "./engine";
import { claimAndDecide, claimReview, decideReview, releaseReview, type ReviewDeps } from "./review-decisions";
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

const ROLES = ["reviewer", "admin"] as const;
type Staff = { id: string; email: string; name: string };

/** A staff account with this role (created once, its role set back each time). */
async function staff(email: string, role: string): Promise<Staff> {
  return db.staffUser.upsert({
    where: { email }, update: { role }, create: { email, name: email.split("@")[0], role, passwordHash: "x" },
    select: { id: true, email: true, name: true },
  });
}

function claim(deps: ReviewDeps, reviewId: string, who: Staff, extra: { minutes?: number; expectedVersion?: number } = {}) {
  return claimReview(deps, { reviewId, staff: who, allowedRoles: ROLES, minutes: extra.minutes ?? 15, expectedVersion: extra.expectedVersion });
}

describe("review decisions", () => {
  beforeEach(() => resetTestWorld(db));
  // The accounts made here are not the seeded ones: later test files count staff.
  afterAll(async () => {
    await resetTestWorld(db);
    await db.staffUser.deleteMany({ where: { email: { in: ["second.reviewer@switchboard.local", "demoted.reviewer@switchboard.local"] } } });
  });

  it("lets exactly one of 20 concurrent decisions win: one credit, one follow-up, one review_decided", async () => {
    const { deps, run, review } = await runAwaitingReview();
    const riley = await staff("reviewer@switchboard.local", "reviewer");
    expect((await claim(deps, review.id, riley)).ok).toBe(true);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        decideReview(deps, { reviewId: review.id, decision: i % 2 ? "reject" : "approve", note: `reviewer ${i}`, staff: riley, allowedRoles: ROLES }),
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
    await expect(claimAndDecide(deps, { reviewId: orphan.item.id, decision: "approve", staffEmail: "reviewer@switchboard.local" })).rejects.toThrow();
    const after = await db.reviewItem.findUniqueOrThrow({ where: { id: orphan.item.id } });
    expect([after.status, after.decidedBy, after.followedUpAt]).toEqual(["pending", null, null]);
    expect(await followUps(run.id)).toBe(0);
    expect((await listEvents(db, run.id)).filter((e) => e.type === "review_decided")).toHaveLength(0);
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
    // The other item is still decidable, and the run waits for the orphan.
    expect(await claimAndDecide(deps, { reviewId: review.id, decision: "approve", staffEmail: "reviewer@switchboard.local" })).toEqual({ ok: true, status: "approved" });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("awaiting_review");
  });

  it("completes a run whose two review items are decided at the same moment", async () => {
    const { deps, run, review } = await runAwaitingReview();
    const second = await requestReviewItem(db, {
      runId: run.id, taskId: "t8", customerId: "C-1002", kind: "low_confidence", summary: "second look", context: {},
    });
    const results = await Promise.all([
      claimAndDecide(deps, { reviewId: review.id, decision: "reject", note: "no", staffEmail: "reviewer@switchboard.local" }),
      claimAndDecide(deps, { reviewId: second.item.id, decision: "send_written", reply: "We checked: the charge is correct.", staffEmail: "admin@switchboard.local" }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
    expect(await followUps(run.id)).toBe(2);
    const events = await listEvents(db, run.id);
    expect(events.filter((e) => e.type === "run_finished" && e.status === "completed")).toHaveLength(1);
  });

  it("refuses an unknown review id without changing anything", async () => {
    const deps = engine();
    const riley = await staff("reviewer@switchboard.local", "reviewer");
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await claim(deps, unknown, riley)).toEqual({ ok: false, error: "not_found" });
    expect(await decideReview(deps, { reviewId: unknown, decision: "approve", staff: riley, allowedRoles: ROLES })).toEqual({ ok: false, error: "not_found" });
  });

  it("keeps both the run's reply and a follow-up decided while the run was still synthesizing", async () => {
    let decided: unknown = null;
    const deps = createEngine({
      db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10,
      async onBoundary(name, runId) {
        if (name !== "synthesized") return;
        const review = await db.reviewItem.findFirstOrThrow({ where: { runId } });
        decided = await claimAndDecide(deps, { reviewId: review.id, decision: "approve", staffEmail: "reviewer@switchboard.local" });
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

  it("lets one of two reviewers claiming at once hold the item; the other can neither claim nor decide it", async () => {
    const { deps, review } = await runAwaitingReview();
    const [a, b] = [await staff("reviewer@switchboard.local", "reviewer"), await staff("second.reviewer@switchboard.local", "reviewer")];
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([claim(deps, review.id, a), claim(deps, review.id, b)]);
      const held = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
      const winner = held.claimedById === a.id ? a : b;
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const loser = winner === a ? b : a;
      expect(await claim(deps, review.id, loser)).toEqual({ ok: false, error: "claimed_by_other", claimedBy: winner.name });
      expect(await decideReview(deps, { reviewId: review.id, decision: "approve", staff: loser, allowedRoles: ROLES })).toEqual({ ok: false, error: "claimed_by_other", claimedBy: winner.name });
      // The holder gives it back, and the race starts again.
      expect(await releaseReview(deps, { reviewId: review.id, staff: winner, allowedRoles: ROLES, asAdmin: false })).toEqual({ ok: true });
    }
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("pending");
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
    // Every claim and release is on the audit trail, by whom.
    expect(await db.auditEntry.count({ where: { subject: `review:${review.id}`, kind: "review_claimed" } })).toBe(5);
    expect(await db.auditEntry.count({ where: { subject: `review:${review.id}`, kind: "review_released" } })).toBe(5);
  });

  it("lets another reviewer take an item whose claim has expired, and the first one's decision is then refused", async () => {
    const { deps, review } = await runAwaitingReview();
    const [a, b] = [await staff("reviewer@switchboard.local", "reviewer"), await staff("second.reviewer@switchboard.local", "reviewer")];
    let now = new Date("2026-12-06T10:00:00Z");
    const timed: ReviewDeps = { ...deps, now: () => now };
    expect((await claim(timed, review.id, a, { minutes: 10 })).ok).toBe(true);
    now = new Date("2026-12-06T10:09:59Z");
    expect(await claim(timed, review.id, b)).toMatchObject({ ok: false, error: "claimed_by_other" });
    now = new Date("2026-12-06T10:10:00Z");
    // A's claim ran out: A may no longer decide, and B may claim.
    expect(await decideReview(timed, { reviewId: review.id, decision: "approve", staff: a, allowedRoles: ROLES })).toEqual({ ok: false, error: "not_claimed" });
    expect((await claim(timed, review.id, b)).ok).toBe(true);
    expect(await decideReview(timed, { reviewId: review.id, decision: "approve", staff: a, allowedRoles: ROLES })).toMatchObject({ ok: false, error: "claimed_by_other" });
    expect(await decideReview(timed, { reviewId: review.id, decision: "approve", staff: b, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).decidedBy).toBe(b.email);
  });

  it("lets an admin release another reviewer's claim; a reviewer may not", async () => {
    const { deps, review } = await runAwaitingReview();
    const [a, b, admin] = [await staff("reviewer@switchboard.local", "reviewer"), await staff("second.reviewer@switchboard.local", "reviewer"), await staff("admin@switchboard.local", "admin")];
    expect((await claim(deps, review.id, a)).ok).toBe(true);
    expect(await releaseReview(deps, { reviewId: review.id, staff: b, allowedRoles: ROLES, asAdmin: false })).toEqual({ ok: false, error: "claimed_by_other" });
    expect(await releaseReview(deps, { reviewId: review.id, staff: admin, allowedRoles: ROLES, asAdmin: true, reason: "shift ended" })).toEqual({ ok: true });
    const released = await db.auditEntry.findFirstOrThrow({ where: { subject: `review:${review.id}`, kind: "review_released" } });
    expect([released.actor, released.payload]).toEqual(["admin@switchboard.local", expect.objectContaining({ heldBy: a.email, reason: "shift ended" })]);
    expect((await claim(deps, review.id, b)).ok).toBe(true);
  });

  it("refuses a decision from a page that showed an older version, and one from a role revoked in the database", async () => {
    const { deps, review } = await runAwaitingReview();
    const a = await staff("demoted.reviewer@switchboard.local", "reviewer");
    const first = await claim(deps, review.id, a);
    if (!first.ok) throw new Error("claim failed");
    // Claiming again (extending) moves the version on: the first page is stale now.
    const again = await claim(deps, review.id, a);
    if (!again.ok) throw new Error("claim failed");
    expect(await decideReview(deps, { reviewId: review.id, decision: "approve", staff: a, allowedRoles: ROLES, expectedVersion: first.version })).toEqual({ ok: false, error: "stale" });
    await db.staffUser.update({ where: { id: a.id }, data: { role: "auditor" } });
    expect(await decideReview(deps, { reviewId: review.id, decision: "approve", staff: a, allowedRoles: ROLES, expectedVersion: again.version })).toEqual({ ok: false, error: "forbidden" });
    expect(await claim(deps, review.id, a)).toEqual({ ok: false, error: "forbidden" });
    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.decidedBy]).toEqual(["pending", null]);
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
  });

  it("records the decision, the reviewer and the note in the transaction that carries it out", async () => {
    const { deps, run, review } = await runAwaitingReview();
    const riley = await staff("reviewer@switchboard.local", "reviewer");
    await claim(deps, review.id, riley);
    // The core holds the boundary's rules too: no rejection without a note.
    expect(await decideReview(deps, { reviewId: review.id, decision: "reject", staff: riley, allowedRoles: ROLES })).toEqual({ ok: false, error: "invalid_decision" });
    expect(await decideReview(deps, { reviewId: review.id, decision: "approve", note: "Roaming never on", staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
    const entry = await db.auditEntry.findFirstOrThrow({ where: { kind: "review_decision", subject: `review:${review.id}` } });
    expect(entry.actor).toBe(riley.email);
    expect(entry.runId).toBe(run.id);
    expect(entry.payload).toMatchObject({ decision: "approve", status: "approved", note: "Roaming never on", staffId: riley.id, proposedAction: { type: "credit", amountCents: 8500 } });
    const credit = await db.credit.findFirstOrThrow({ where: { source: "approved" } });
    // The audit entry and the credit come from one transaction: neither exists without the other.
    expect(credit.amountCents).toBe(8500);
  });

  it("answers a low-confidence item with the worker's draft, an edited one or a written one, and refuses decisions that do not fit", async () => {
    const { deps, run } = await runAwaitingReview();
    const riley = await staff("reviewer@switchboard.local", "reviewer");
    const low = async (taskId: string) =>
      (await requestReviewItem(db, { runId: run.id, taskId, customerId: "C-1002", kind: "low_confidence", summary: "unsure", context: { result: { summary: "Your bill is $85 higher because of roaming." } } })).item;
    const [a, b] = [await low("ta"), await low("tb")];
    await claim(deps, a.id, riley);
    await claim(deps, b.id, riley);
    expect(await decideReview(deps, { reviewId: a.id, decision: "approve", staff: riley, allowedRoles: ROLES })).toEqual({ ok: false, error: "invalid_decision" });
    expect(await decideReview(deps, { reviewId: a.id, decision: "send_draft", staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
    expect(await decideReview(deps, { reviewId: b.id, decision: "send_edited", reply: "Your bill is $85 higher: a roaming pass. We removed it.", staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
    const sent = await db.message.findMany({ where: { runId: run.id, content: { startsWith: "Update from our team" } }, orderBy: { createdAt: "asc" } });
    expect(sent.map((m) => m.content)).toEqual([
      "Update from our team: Your bill is $85 higher because of roaming.",
      "Update from our team: Your bill is $85 higher: a roaming pass. We removed it.",
    ]);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: b.id } })).resolution).toBe("send_edited");
  });
});
