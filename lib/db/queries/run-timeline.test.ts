import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetTestWorld, useTestDb } from "@/test/db";
import { listRunTimeline } from "./run-timeline";

vi.mock("server-only", () => ({}));

const db = useTestDb();

beforeEach(() => resetTestWorld(db));

describe("listRunTimeline", () => {
  it("lists a run's events in order without the streamed reply fragments", async () => {
    const conversation = await db.conversation.create({ data: { customerId: "C-1001" } });
    const run = await db.run.create({ data: { conversationId: conversation.id, customerId: "C-1001", input: "hello" } });
    // Stored as the run store's appendEvent stores them (lib/db may not import it).
    const at = "2026-11-15T10:00:00.000Z";
    const events = [
      { type: "run_started", customerId: "C-1001", input: "hello", attempt: 1, at },
      { type: "message_delta", attempt: 1, delta: "Hel", at },
      { type: "message_delta", attempt: 1, delta: "lo", at },
      { type: "run_finished", status: "completed", reply: "Hello", tokensIn: 3, tokensOut: 2, latencyMs: 12, at },
    ];
    await db.runEvent.createMany({ data: events.map((data, i) => ({ runId: run.id, seq: i + 1, type: data.type, data })) });

    const rows = await listRunTimeline({ db, runId: run.id });
    expect(rows.map((r) => [r.seq, r.type])).toEqual([[1, "run_started"], [4, "run_finished"]]);
    expect(rows[1].data).toMatchObject({ type: "run_finished", reply: "Hello" });
    expect(await listRunTimeline({ db, runId: "00000000-0000-4000-8000-000000000000" })).toEqual([]);
  });
});
