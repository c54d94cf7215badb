import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { planSchema } from "../contracts";
import { createEngine, submitMessage } from "./engine";
import { claimAndDecide } from "./review-decisions";

// A customer who needs a person, on the seeded world with the local model: the run
// plans a handoff, runs no worker, puts the conversation on the desk and says who will
// answer and when; the person's answer reaches the same conversation.

const db = useTestDb();
beforeEach(() => resetTestWorld(db));

const engine = () => createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });

async function say(customerId: string, message: string, conversationId?: string) {
  const { run, done } = await submitMessage(engine(), { customerId, message, ...(conversationId ? { conversationId } : {}) });
  const status = await done;
  return { status, run: await db.run.findUniqueOrThrow({ where: { id: run.id } }) };
}

describe("handing a conversation to a person", () => {
  it("puts it on the desk, runs no worker, and tells the customer who answers and when", async () => {
    const { status, run } = await say("C-1003", "I want to talk to a real person");
    expect(status).toBe("awaiting_review");
    expect(planSchema.parse(run.plan)).toMatchObject({ kind: "handoff", tasks: [] });
    expect(await db.workerInvocation.count({ where: { runId: run.id } })).toBe(0);
    const item = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    expect(item).toMatchObject({ kind: "handoff", status: "pending", customerId: "C-1003", summary: "The customer asked to talk to a person." });
    expect(run.reply).toBe("I've asked a person from our support team to take over, and they'll reply here in this chat. You're next in line, and we aim to answer within 15 minutes.");
    const events = await db.runEvent.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
    expect(events.filter((e) => e.type === "review_requested")).toHaveLength(1);

    // A second customer waits behind the first.
    const second = await say("C-1009", "I'm really unhappy, nothing works and nobody helps. I need a person to call me");
    expect(second.run.reply).toContain("There is one conversation ahead of yours");

    // The person answers in the same conversation; the run is done.
    const answered = await claimAndDecide({ db, clock: fixedClock("2026-11-15") }, { reviewId: item.id, decision: "send_written", reply: "Hi, this is Sam from the support team. How can I help?", staffEmail: "reviewer@switchboard.local" });
    expect(answered).toMatchObject({ ok: true, status: "approved" });
    const messages = await db.message.findMany({ where: { conversationId: run.conversationId }, orderBy: { createdAt: "asc" } });
    expect(messages.map((m) => m.content).at(-1)).toBe("Update from our team: Hi, this is Sam from the support team. How can I help?");
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
    // A handoff is answered in words, never approved or rejected as an action.
    const other = await db.reviewItem.findFirstOrThrow({ where: { runId: second.run.id } });
    expect(await claimAndDecide({ db, clock: fixedClock("2026-11-15") }, { reviewId: other.id, decision: "reject", note: "no", staffEmail: "reviewer@switchboard.local" })).toEqual({ ok: false, error: "invalid_decision" });
  });

  it("does not hand off on a question about the assistant or a person in another sense", async () => {
    for (const message of ["is this a real person?", "there's a human error on my November bill, the late fee"]) {
      const { run } = await say("C-1001", message);
      expect(planSchema.parse(run.plan).kind, message).not.toBe("handoff");
      expect(await db.reviewItem.count({ where: { runId: run.id, kind: "handoff" } })).toBe(0);
    }
  });

  it("hands off when the same ask comes a third time", async () => {
    const first = await say("C-1010", "why is my internet so slow in the evenings?");
    expect(planSchema.parse(first.run.plan).kind).toBe("delegate");
    const second = await say("C-1010", "it's still slow in the evenings, why?", first.run.conversationId);
    expect(planSchema.parse(second.run.plan).kind).toBe("delegate");
    const third = await say("C-1010", "again: why is my internet so slow every evening??", first.run.conversationId);
    expect(planSchema.parse(third.run.plan)).toMatchObject({ kind: "handoff" });
    expect((await db.reviewItem.findFirstOrThrow({ where: { runId: third.run.id } })).summary).toMatch(/asked the same thing a third time/);
  });
});
