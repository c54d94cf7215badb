import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../../test/db";
import { LeaseLostError } from "../../db/run-lease";
import { advanceStep, appendEvent, claimRun, claimRunnableRuns, createRun, listEvents, type RunStoreError } from ".";

const db = useTestDb();

describe("run store", () => {
  beforeEach(() => resetTestWorld(db));

  it("lets several executors claim queued runs concurrently without sharing one", async () => {
    const ids = [];
    for (let i = 0; i < 9; i++) ids.push((await createRun(db, { customerId: "C-1001", message: `message ${i}` })).run.id);
    const now = new Date();
    const claims = (await Promise.all(["a", "b", "c"].map((owner) => claimRunnableRuns(db, owner, 30_000, now, 4)))).map((c) => c.map((r) => r.id));
    const all = claims.flat();
    expect(new Set(all).size).toBe(all.length); // nobody got a run twice
    expect(all.sort()).toEqual([...ids].sort()); // and every run was taken
    const owners = await db.run.findMany({ select: { id: true, leaseOwner: true } });
    for (const [i, owner] of ["a", "b", "c"].entries()) {
      expect(owners.filter((r) => r.leaseOwner === owner).map((r) => r.id).sort()).toEqual([...claims[i]].sort());
    }
  });

  it("takes over a run only when its lease has expired", async () => {
    const { run } = await createRun(db, { customerId: "C-1001", message: "hello" });
    const t0 = new Date();
    expect(await claimRun(db, run.id, "first", 1_000, t0)).toBe(1);
    expect(await claimRun(db, run.id, "second", 1_000, new Date(t0.getTime() + 500))).toBeNull();
    expect(await claimRun(db, run.id, "second", 1_000, new Date(t0.getTime() + 1_500))).toBe(2);
    // The first executor lost the run: its next step transition is refused.
    await expect(advanceStep(db, { runId: run.id, owner: "first", epoch: 1 }, "created", "planned")).rejects.toBeInstanceOf(LeaseLostError);
    await advanceStep(db, { runId: run.id, owner: "second", epoch: 2 }, "created", "planned");
    await expect(advanceStep(db, { runId: run.id, owner: "second", epoch: 2 }, "created", "planned")).rejects.toBeInstanceOf(LeaseLostError);
  });

  it("gives concurrent events dense, unique sequence numbers", async () => {
    const { run } = await createRun(db, { customerId: "C-1001", message: "hello" });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        appendEvent(db, run.id, { type: "worker_partial", taskId: "t1", worker: "billing", text: `step ${i}` }, new Date()),
      ),
    );
    const events = await listEvents(db, run.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("rejects an event that does not fit the vocabulary", async () => {
    const { run } = await createRun(db, { customerId: "C-1001", message: "hello" });
    await expect(appendEvent(db, run.id, { type: "worker_partial", taskId: "t1", worker: "Sales Team", text: "x" } as never, new Date())).rejects.toThrow();
    expect(await listEvents(db, run.id)).toEqual([]);
  });

  it("returns the same run for a repeated idempotency key and refuses another customer's conversation", async () => {
    const a = await createRun(db, { customerId: "C-1001", message: "hi", idempotencyKey: "C-1001:key-1" });
    const b = await createRun(db, { customerId: "C-1001", message: "hi", idempotencyKey: "C-1001:key-1" });
    expect([a.created, b.created, b.run.id]).toEqual([true, false, a.run.id]);
    await expect(createRun(db, { customerId: "C-1002", message: "hi", conversationId: a.run.conversationId })).rejects.toThrow("conversation_not_found");
    expect(await db.run.count()).toBe(1);
  });
  it("refuses a second run in a conversation while one is queued or running, never two at once", async () => {
    const first = await createRun(db, { customerId: "C-1001", message: "first" });
    const conversationId = first.run.conversationId;
    const tries = await Promise.allSettled([1, 2, 3].map((i) => createRun(db, { customerId: "C-1001", message: `again ${i}`, conversationId })));
    expect(tries.every((t) => t.status === "rejected" && (t.reason as RunStoreError).code === "conversation_busy")).toBe(true);
    // A retry of the first message still gets its run back.
    await db.run.update({ where: { id: first.run.id }, data: { idempotencyKey: "C-1001:first-key" } });
    expect((await createRun(db, { customerId: "C-1001", message: "first", conversationId, idempotencyKey: "C-1001:first-key" })).run.id).toBe(first.run.id);
    // Once it waits for a person (or is done), the conversation takes the next message, and only one of two sent together.
    await db.run.update({ where: { id: first.run.id }, data: { status: "awaiting_review" } });
    const pair = await Promise.allSettled([createRun(db, { customerId: "C-1001", message: "a", conversationId }), createRun(db, { customerId: "C-1001", message: "b", conversationId })]);
    expect(pair.map((p) => p.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await db.run.count({ where: { conversationId } })).toBe(2);
  });
});
