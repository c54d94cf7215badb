import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetTestWorld, useTestDb } from "../../../test/db";
import { countPendingReviewItems, listReviewQueue, pendingQueueFingerprint, type SlaMinutes } from "./review-queue";

vi.mock("server-only", () => ({}));

const db = useTestDb();
const SLA: SlaMinutes = { credit_over_limit: 240, downgrade_fee: 480, low_confidence: 60, worker_failure: 30, handoff: 15 };
const NOW = new Date("2026-12-06T12:00:00Z");

/** A run awaiting review with one item per spec, created `ageMin` minutes before NOW. */
async function seed(items: { kind: string; customerId: string; ageMin: number; amountCents?: number; worker?: string; confidence?: number }[]) {
  const ids: string[] = [];
  for (const [i, it] of items.entries()) {
    const conversation = await db.conversation.create({ data: { customerId: it.customerId } });
    const run = await db.run.create({ data: { conversationId: conversation.id, customerId: it.customerId, input: `message ${i}`, status: "awaiting_review", step: "finished" } });
    const proposedAction = it.amountCents === undefined ? undefined : it.kind === "downgrade_fee" ? { type: "plan_change", toPlanId: "fiber-100", feeCents: it.amountCents } : { type: "credit", invoiceId: "INV-1", amountCents: it.amountCents, reason: "r" };
    if (it.worker) {
      await db.workerInvocation.create({ data: { runId: run.id, taskId: "t1", worker: it.worker, attempt: 1, status: "succeeded", input: {}, confidence: it.confidence ?? 0.9 } });
    }
    const item = await db.reviewItem.create({
      data: {
        id: randomUUID(), runId: run.id, taskId: "t1", customerId: it.customerId, kind: it.kind as never, summary: `item ${i}`,
        proposedAction, context: {}, createdAt: new Date(NOW.getTime() - it.ageMin * 60_000),
      },
    });
    ids.push(item.id);
  }
  return ids;
}

describe("the review queue query", () => {
  beforeEach(() => resetTestWorld(db));

  it("puts overdue items first by due time, then pages by keyset without losing or repeating a row as items arrive", async () => {
    const [credit300, failure10, low90, downgrade20, credit5] = await seed([
      { kind: "credit_over_limit", customerId: "C-1002", ageMin: 300, amountCents: 8500, worker: "billing" }, // due 60 min ago
      { kind: "worker_failure", customerId: "C-1003", ageMin: 10 }, // due in 20
      { kind: "low_confidence", customerId: "C-1004", ageMin: 90, worker: "tech_support", confidence: 0.41 }, // due 30 min ago
      { kind: "downgrade_fee", customerId: "C-1005", ageMin: 20, amountCents: 16000, worker: "account" }, // due in 460
      { kind: "credit_over_limit", customerId: "C-1002", ageMin: 5, amountCents: 6000, worker: "billing" }, // due in 235
    ]);
    const base = { db, now: NOW, sla: SLA, viewerId: "nobody" };
    const first = await listReviewQueue({ ...base, limit: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([credit300, low90]);
    expect(first.rows.map((r) => r.overdue)).toEqual([true, true]);
    expect(first.rows[1]).toMatchObject({ worker: "tech_support", confidence: 0.41, customerName: expect.any(String) });
    // A new item arriving between pages does not shift the next page.
    await seed([{ kind: "credit_over_limit", customerId: "C-1006", ageMin: 400, amountCents: 7000 }]);
    const second = await listReviewQueue({ ...base, limit: 2, after: first.next });
    expect(second.rows.map((r) => r.id)).toEqual([failure10, credit5]);
    const third = await listReviewQueue({ ...base, limit: 2, after: second.next });
    expect(third.rows.map((r) => r.id)).toEqual([downgrade20]);
    expect(third.next).toBeNull();

    expect((await listReviewQueue({ ...base, sort: "amount" })).rows.map((r) => r.amountCents)).toEqual([16000, 8500, 7000, 6000, null, null]);
    expect((await listReviewQueue({ ...base, sort: "newest", limit: 1 })).rows[0].id).toBe(credit5);
    expect(await countPendingReviewItems({ db, now: NOW, sla: SLA })).toEqual({ pending: 6, overdue: 3 });
  });

  it("filters by kind, worker, customer, overdue and the viewer's live claims", async () => {
    const [a, b, c] = await seed([
      { kind: "credit_over_limit", customerId: "C-1002", ageMin: 300, amountCents: 8500, worker: "billing" },
      { kind: "downgrade_fee", customerId: "C-1005", ageMin: 20, amountCents: 16000, worker: "account" },
      { kind: "credit_over_limit", customerId: "C-1007", ageMin: 5, amountCents: 6000, worker: "billing" },
    ]);
    const staff = await db.staffUser.findUniqueOrThrow({ where: { email: "reviewer@switchboard.local" } });
    await db.reviewItem.update({ where: { id: b }, data: { claimedById: staff.id, claimedByName: staff.name, claimExpiresAt: new Date(NOW.getTime() + 60_000) } });
    await db.reviewItem.update({ where: { id: c }, data: { claimedById: staff.id, claimedByName: staff.name, claimExpiresAt: new Date(NOW.getTime() - 60_000) } });
    const ids = async (filters: Parameters<typeof listReviewQueue>[0]["filters"]) =>
      (await listReviewQueue({ db, now: NOW, sla: SLA, viewerId: staff.id, filters })).rows.map((r) => r.id).sort();
    expect(await ids({ kind: "credit_over_limit" })).toEqual([a, c].sort());
    expect(await ids({ worker: "account" })).toEqual([b]);
    expect(await ids({ customerId: "C-1002" })).toEqual([a]);
    expect(await ids({ overdue: true })).toEqual([a]);
    // c's claim has lapsed: it is no longer "mine".
    expect(await ids({ mine: true })).toEqual([b]);
  });

  it("changes its fingerprint when an item is claimed or decided", async () => {
    const [a] = await seed([{ kind: "worker_failure", customerId: "C-1003", ageMin: 1 }]);
    const before = await pendingQueueFingerprint({ db });
    await db.reviewItem.update({ where: { id: a }, data: { version: { increment: 1 } } });
    const claimed = await pendingQueueFingerprint({ db });
    expect(claimed.fingerprint).not.toBe(before.fingerprint);
    await db.reviewItem.update({ where: { id: a }, data: { status: "rejected" } });
    expect(await pendingQueueFingerprint({ db })).toEqual({ pending: 0, fingerprint: "" });
  });
});
