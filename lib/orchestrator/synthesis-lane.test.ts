import type { LanguageModelV4 } from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";
import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { joinReplyParts } from "../contracts";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "./engine";
import { listEvents, listReplyParts } from "./store";
import { THREE_PARTS } from "@/test/messages";

const db = useTestDb();
const clock = fixedClock("2026-11-15");
const engine = (over: Partial<Parameters<typeof createEngine>[0]> = {}) =>
  createEngine({ db, worldAsOf: "2026-11-15", clock, models: localModels(0), retryBackoffMs: 10, ...over });

/** A model that answers like `inner` once `gate` opens: a worker held back on purpose. */
const heldBack = (inner: LanguageModelV4, gate: Promise<void>): LanguageModelV4 =>
  wrapLanguageModel({
    model: inner,
    middleware: {
      wrapGenerate: async ({ doGenerate }) => (await gate, doGenerate()),
      wrapStream: async ({ doStream }) => (await gate, doStream()),
    },
  }) as LanguageModelV4;

/** `inner`, its streamed chunks `ms` apart: a reply that takes a while to write. */
const slowStream = (inner: LanguageModelV4, ms: number): LanguageModelV4 =>
  wrapLanguageModel({
    model: inner,
    middleware: {
      wrapStream: async ({ doStream }) => {
        const r = await doStream();
        return { ...r, stream: r.stream.pipeThrough(new TransformStream({ async transform(chunk, out) { await new Promise((w) => setTimeout(w, ms)); out.enqueue(chunk); } })) };
      },
    },
  }) as LanguageModelV4;

function opened() {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { gate, open };
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("progressive synthesis", () => {
  beforeEach(() => resetTestWorld(db));

  it("stores the first part of the reply while the slowest worker is still working, then the rest in one voice", async () => {
    const { gate, open } = opened();
    const models = localModels(0);
    const deps = engine({ models: { ...models, account: heldBack(models.account, gate) } });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: THREE_PARTS });

    const first = await until("the first reply part", async () => (await listReplyParts(db, run.id))[0]);
    const plan = (await listEvents(db, run.id)).find((e) => e.type === "plan");
    const accountTask = plan?.type === "plan" ? plan.plan.tasks.find((t) => t.worker === "account")! : null;
    expect(accountTask).not.toBeNull();
    // The account worker is held: its invocation is still running, and the part does not cover it.
    const account = await db.workerInvocation.findFirstOrThrow({ where: { runId: run.id, taskId: accountTask!.id } });
    expect(account.status).toBe("running");
    expect(first.taskIds).not.toContain(accountTask!.id);
    // Whichever worker finished first opens the reply, with no transition before it.
    expect(first.text).toMatch(/credited \$30\.00|remote reset/);
    expect(first.text).not.toMatch(/^(Also|Finally)\b/);
    const eventsSoFar = await listEvents(db, run.id);
    expect(eventsSoFar.some((e) => e.type === "reply_part" && e.index === 0)).toBe(true);
    expect(eventsSoFar.some((e) => e.type === "worker_finished" && e.taskId === accountTask!.id)).toBe(false);

    open();
    expect(await done).toBe("completed");
    const parts = await listReplyParts(db, run.id);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.at(-1)!.taskIds).toEqual([accountTask!.id]);
    expect(parts.flatMap((p) => p.taskIds).sort()).toEqual(["t1", "t2", "t3"]);
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.reply).toBe(joinReplyParts(parts.map((p) => p.text)));
    // One reply, one voice: each topic once, a paragraph per part, no department labels.
    expect(stored.reply!.match(/credited \$30\.00/g)).toHaveLength(1);
    expect(stored.reply!.match(/remote reset/g)).toHaveLength(1);
    expect(stored.reply!.match(/1 Gig/g)).toHaveLength(1);
    expect(stored.reply).not.toMatch(/^(Billing|Technical support|Account management)\s*:/m);
    // Each part's deltas come before it is stored, and the part after it follows.
    const events = await listEvents(db, run.id);
    const order = events.filter((e) => e.type === "message_delta" || e.type === "reply_part").map((e) => (e.type === "reply_part" ? `part ${e.index}` : `delta ${e.part ?? 0}`));
    const firstOfEach = parts.map((p) => order.indexOf(`delta ${p.index}`));
    const stores = parts.map((p) => order.indexOf(`part ${p.index}`));
    for (let i = 0; i < parts.length; i++) {
      expect(firstOfEach[i]).toBeLessThan(stores[i]);
      if (i > 0) expect(stores[i - 1]).toBeLessThan(firstOfEach[i]);
    }
    expect(await db.modelCall.count({ where: { runId: run.id, role: "synthesis" } })).toBe(parts.length);
  });

  it("writes workers that finish before a part's first text into that part: no extra call for close finishes", async () => {
    // The synthesis call takes far longer than the gap between the workers' finishes.
    const deps = engine({ models: { ...localModels(0), synthesis: localModels(3_000).synthesis } });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("completed");
    const parts = await listReplyParts(db, run.id);
    expect(parts).toHaveLength(1);
    expect(parts[0].taskIds).toEqual(["t1", "t2", "t3"]);
    expect(await db.modelCall.count({ where: { runId: run.id, role: "synthesis" } })).toBe(1);
    // The restarted calls streamed nothing: every delta belongs to the one stored part.
    const deltas = (await listEvents(db, run.id)).flatMap((e) => (e.type === "message_delta" ? [e.delta] : []));
    expect(deltas.join("").trim()).toBe(parts[0].text);
  });

  it("writes the whole reply in one call after the slowest worker when progressive synthesis is off", async () => {
    const { run, done } = await submitMessage(engine({ progressiveSynthesis: false }), { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("completed");
    const parts = await listReplyParts(db, run.id);
    expect(parts).toHaveLength(1);
    expect(parts[0].taskIds).toEqual(["t1", "t2", "t3"]);
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.reply).toBe(parts[0].text);
    const lastWorker = (await listEvents(db, run.id)).findLastIndex((e) => e.type === "worker_finished");
    const firstDelta = (await listEvents(db, run.id)).findIndex((e) => e.type === "message_delta");
    expect(firstDelta).toBeGreaterThan(lastWorker);
    expect(await db.modelCall.count({ where: { runId: run.id, role: "synthesis" } })).toBe(1);
  });

  it("a lease lost while a part streams ends the drive as lease_lost: nothing more is written, and no write's failure goes unhandled", async () => {
    const models = localModels(0);
    const deps = engine({ models: { ...models, synthesis: slowStream(models.synthesis, 25) } });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: THREE_PARTS });
    await until("the first streamed delta", async () => (await listEvents(db, run.id)).some((e) => e.type === "message_delta"));
    // Another process takes the run over (a new epoch under another owner) mid-stream:
    // every later batch of deltas is refused. Before, the refused batch was a promise
    // nobody handled until the part ended, and Node ends a process on that.
    await db.$executeRaw`UPDATE runs SET attempts = attempts + 1, "leaseOwner" = 'another-process' WHERE id = ${run.id}`;
    const count = (await listEvents(db, run.id)).length;
    expect(await done).toBe("lease_lost");
    await new Promise((r) => setTimeout(r, 300));
    expect((await listEvents(db, run.id)).length).toBe(count);
  });
});
