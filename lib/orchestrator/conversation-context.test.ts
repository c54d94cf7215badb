import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { scriptedModel, textResult } from "../models/scripted";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "./engine";
import { STATE_MARKER } from "../contracts";

const db = useTestDb();
beforeEach(() => resetTestWorld(db));

const system = (opts: { prompt: Array<{ role: string; content: unknown }> }) =>
  opts.prompt.filter((m) => m.role === "system").map((m) => String(m.content)).join("\n");

describe("a follow-up message in a conversation", () => {
  it("is planned with the last exchange, truncated, in the supervisor's prompt only", async () => {
    const supervisor = scriptedModel("supervisor", () => textResult(JSON.stringify({ kind: "small_talk", tasks: [], reply: "Happy to help with your bill!" })));
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: { ...localModels(0), supervisor: supervisor.model }, classifier: undefined });
    const first = await submitMessage(deps, { customerId: "C-1001", message: `Hello! ${"very ".repeat(200)}long story about my bill.` });
    expect(await first.done).toBe("completed");
    const second = await submitMessage(deps, { customerId: "C-1001", message: "And what about the other one?", conversationId: first.run.conversationId });
    expect(await second.done).toBe("completed");

    expect(system(supervisor.calls[0] as never)).not.toContain("Earlier in this conversation");
    const withContext = system(supervisor.calls[1] as never);
    expect(withContext).toContain("Earlier in this conversation");
    expect(withContext).toMatch(/Customer: Hello! very very .*…/);
    expect(withContext).toContain("Team: Happy to help with your bill!");
    // The state: the last turn as it was planned, cut short like the exchange.
    const state = JSON.parse(withContext.split("\n").find((l) => l.startsWith(STATE_MARKER))!.slice(STATE_MARKER.length));
    expect(state).toMatchObject({ previous: { kind: "small_talk", tasks: [] }, offers: [], plansListed: [], outage: null, pending: [] });
    expect(state.previous.message.length).toBeLessThanOrEqual(400);
    // Bounded however long the conversation: the exchange and the state are cut short.
    expect(withContext.length).toBeLessThan(system(supervisor.calls[0] as never).length + 3200);
    // The customer's new message is still the only user turn.
    const users = (supervisor.calls[1] as never as { prompt: Array<{ role: string }> }).prompt.filter((m) => m.role === "user");
    expect(users).toHaveLength(1);
  });

  it("resolves a follow-up for the workers, whose input does not grow with the conversation", async () => {
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });
    const workerTokensIn = async (runId: string) =>
      (await db.modelCall.findMany({ where: { runId, role: "account" } })).reduce((n, c) => n + c.tokensIn, 0);
    // C-1006 (contract over, no fee): a question, small talk, another question, then the confirmation.
    const turns = ["How much is Fiber 500 for me?", "cheers for that", "and when does my contract end?", "How much is Fiber 500 for me?"];
    let conversationId: string | undefined;
    const runs: string[] = [];
    for (const message of turns) {
      // The worker cache would answer the repeated question without a model call: measure the call.
      await db.workerCacheEntry.deleteMany();
      const { run, done } = await submitMessage(deps, { customerId: "C-1006", message, ...(conversationId ? { conversationId } : {}) });
      await done;
      conversationId = run.conversationId;
      runs.push(run.id);
    }
    // The same question first and fourth: the account worker reads as much both times.
    expect(await workerTokensIn(runs[3])).toBe(await workerTokensIn(runs[0]));
    // "yes please" becomes the offer, in full, for the account worker; the plan changes.
    const { run, done } = await submitMessage(deps, { customerId: "C-1006", message: "yes please", conversationId });
    expect(await done).toBe("completed");
    const planned = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect((planned.plan as { tasks: Array<{ worker: string; instruction: string }> }).tasks).toEqual([
      expect.objectContaining({ worker: "account", instruction: "Please change my plan to Fiber 500." }),
    ]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } })).planId).toBe("fiber-500");
  });

  it("keeps the thread across small talk, but an offer declined in between stays declined", async () => {
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });
    const say = async (message: string, conversationId?: string) => {
      const { run, done } = await submitMessage(deps, { customerId: "C-1006", message, ...(conversationId ? { conversationId } : {}) });
      await done;
      return run.conversationId;
    };
    const plan = async () => (await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } })).planId;
    const before = await plan();
    // A quote, a pause, then the go-ahead: the quote is still what "go ahead" means.
    const a = await say("what would the 1 gig plan cost me a month?");
    await say("one sec, asking my partner", a);
    await say("ok, she agrees, go ahead", a);
    expect(await plan()).toBe("gig-1000");
    await db.customer.update({ where: { id: "C-1006" }, data: { planId: before } });
    // A quote, declined, then a bare "ok" and a thank-you: nothing changes.
    const b = await say("what would the 1 gig plan cost me a month?");
    await say("hmm, never mind", b);
    await say("ok", b);
    await say("great, thanks", b);
    expect(await plan()).toBe(before);
  });
});
