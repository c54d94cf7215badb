import { beforeEach, describe, expect, inject, it, vi } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { PgRunNotifications } from "../db/run-notifications";
import { RunEventBus } from "../orchestrator/event-bus";
import type { NewRunEvent } from "../orchestrator/events";
import { appendEvent, createRun, listEvents } from "../orchestrator/store";
import { loadChatHistory } from "./history";
import { followRunEvents } from "./run-follower";
import { runMessageStream } from "./run-stream";
import { applyChunks, runMessageFromEvents, type ChatChunk, type ChatMessage } from "./ui-stream";

// server-only throws outside a React Server Components build; these are plain queries.
vi.mock("server-only", () => ({}));

const db = useTestDb();
beforeEach(() => resetTestWorld(db));

const onServer = Boolean(inject("databaseServerUrl"));

async function read(stream: ReadableStream<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of stream as unknown as AsyncIterable<ChatChunk>) out.push(c);
  return out;
}

const append = (runId: string, e: NewRunEvent) => appendEvent(db, runId, e, new Date());

const roaming: NewRunEvent[] = [
  { type: "run_started", customerId: "C-1002", input: "refund the roaming pass", attempt: 1 },
  { type: "review_requested", reviewId: "00000000-0000-4000-8000-000000000001", taskId: "t1", kind: "credit_over_limit", summary: "Credit of $85.00" },
  { type: "message_delta", attempt: 1, delta: "A specialist will review it." },
  { type: "run_finished", status: "awaiting_review", reply: "A specialist will review it.", tokensIn: 1, tokensOut: 1, latencyMs: 1 },
];

describe("following a run", () => {
  it("wakes on events stored by another connection, with LISTEN/NOTIFY on a server (no polling) or by polling the embedded database", async () => {
    const { run } = await createRun(db, { customerId: "C-1001", message: "hello" });
    const wakeups = new PgRunNotifications({ connectionString: inject("databaseUrl") });
    expect(await wakeups.ready()).toBe(onServer);
    const ac = new AbortController();
    // On a server a one-minute poll proves the wake-up came from the notification.
    const follower = followRunEvents({ db, wakeups, pollMs: onServer ? 60_000 : 50, idleMs: 60_000 }, { runId: run.id, after: 0, signal: ac.signal });
    const seen: number[] = [];
    const done = (async () => {
      for await (const batch of follower) {
        seen.push(...batch.map((e) => e.seq));
        if (seen.length >= 3) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await append(run.id, { type: "worker_partial", taskId: "t1", worker: "billing", text: `step ${i}` });
      await new Promise((r) => setTimeout(r, 30));
    }
    await done;
    expect(seen).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeLessThan(10_000);
    ac.abort();
    await wakeups.close();
  });

  it("streams a run's message from any cursor, ends at the first finish or once settled, and carries follow-ups", async () => {
    const { run } = await createRun(db, { customerId: "C-1002", message: "refund the roaming pass" });
    for (const e of roaming) await append(run.id, e);
    const bus = new RunEventBus();
    const whole = await runMessageFromEvents(run.id, await listEvents(db, run.id), { conversationId: run.conversationId });

    const first = await read(runMessageStream({ db, bus }, { runId: run.id, cursor: 0, until: "finished", viewer: "customer", signal: new AbortController().signal }));
    expect(first.at(-1)).toEqual({ type: "finish" });
    expect(await applyChunks(first)).toEqual(whole);

    // A watcher waits for the decision from the cursor it has; the decision arrives from "elsewhere".
    const watched = read(runMessageStream({ db, bus, pollMs: 50 }, { runId: run.id, cursor: 4, until: "settled", viewer: "customer", signal: new AbortController().signal }));
    await new Promise((r) => setTimeout(r, 150));
    await db.$transaction(async (tx) => {
      await tx.message.create({ data: { conversationId: run.conversationId, role: "assistant", content: "A specialist will review it.", runId: run.id } });
      await tx.run.update({ where: { id: run.id }, data: { reply: "A specialist will review it.", status: "completed" } });
      await tx.message.create({ data: { conversationId: run.conversationId, role: "assistant", content: "Update: approved and applied.", runId: run.id } });
      await appendEvent(tx, run.id, { type: "review_decided", reviewId: "00000000-0000-4000-8000-000000000001", kind: "credit_over_limit", decision: "approved", by: "reviewer@switchboard.local", note: "internal" }, new Date());
      await appendEvent(tx, run.id, { type: "run_finished", status: "completed", reply: "A specialist will review it.", tokensIn: 1, tokensOut: 1, latencyMs: 1 }, new Date());
    });
    const later = await watched;
    const followUps = later.filter((c) => c.type === "data-followup");
    expect(followUps).toHaveLength(1);
    expect(followUps[0]).toMatchObject({ transient: true, data: { text: "Update: approved and applied.", runId: run.id } });
    const settled = (await applyChunks(later, whole)) as ChatMessage;
    const review = settled.parts.find((p) => p.type === "data-review") as { data: { status: string; note: string | null } };
    expect(review.data).toMatchObject({ status: "approved", note: null }); // the reviewer's note is staff-only
    expect(settled.parts.find((p) => p.type === "data-run")).toMatchObject({ data: { status: "completed" } });

    // The next visit reads the same from the tables: the reply, then the follow-up as its own message.
    const history = await loadChatHistory(db, { customerId: "C-1002" });
    expect(history.conversationId).toBe(run.conversationId);
    expect(history.messages.map((m) => [m.role, m.parts.find((p) => p.type === "text") && (m.parts.find((p) => p.type === "text") as { text: string }).text])).toEqual([
      ["user", "refund the roaming pass"],
      ["assistant", "A specialist will review it."],
      ["assistant", "Update: approved and applied."],
    ]);
    expect(history.messages[1]).toEqual(settled);
    expect(await loadChatHistory(db, { customerId: "C-1001" })).toEqual({ conversationId: null, messages: [] });
  });
});
