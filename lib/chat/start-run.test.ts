import { beforeEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "../clock";
import { abuseLimits, type AbuseLimits } from "../http/rate-limits";
import { localModels } from "../models/registry";
import { createEngine } from "../orchestrator/engine";
import { createRun } from "../orchestrator/store";
import { resetTestWorld, untilRunSettled, useTestDb } from "@/test/db";
import { startRun, type StartRunInput } from "./start-run";

// The use case behind POST /api/runs and the chat's sendMessage action, on the real
// database: each refusal, and that a refused start stores nothing.
vi.mock("server-only", () => ({}));

const db = useTestDb();
const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
// Generous defaults, so that only the limit a test lowers can refuse.
const roomy: AbuseLimits = { ...abuseLimits({}), runsPerCustomer: { limit: 100, windowSeconds: 60 }, runsPerIp: { limit: 100, windowSeconds: 60 }, tokensPerCustomerPerDay: 0 };

beforeEach(() => resetTestWorld(db));

const input = (over: Partial<StartRunInput> = {}): StartRunInput => ({
  customer: { customerId: "C-1004" },
  message: "What is my balance?",
  clientIp: "192.0.2.10",
  ...over,
});

describe("startRun", () => {
  it("starts a run, and a retry with the same key returns it instead of starting another", async () => {
    const first = await startRun({ engine, limits: roomy }, input({ idempotencyKey: "retry-key-1" }));
    expect(first).toMatchObject({ ok: true, created: true, status: "queued" });
    if (!first.ok) throw new Error("not started");
    await untilRunSettled(db, first.runId);
    const again = await startRun({ engine, limits: roomy }, input({ idempotencyKey: "retry-key-1" }));
    expect(again).toMatchObject({ ok: true, created: false, runId: first.runId, conversationId: first.conversationId });
    // The key is scoped to the customer: another customer's same key is another run.
    const other = await startRun({ engine, limits: roomy }, input({ customer: { customerId: "C-1005" }, idempotencyKey: "retry-key-1" }));
    expect(other).toMatchObject({ ok: true, created: true });
    if (other.ok) await untilRunSettled(db, other.runId);
    expect(await db.run.findUniqueOrThrow({ where: { id: first.runId }, select: { idempotencyKey: true } })).toEqual({ idempotencyKey: "C-1004:retry-key-1" });
  });

  it("refuses a customer that does not exist, without counting a hit or storing anything", async () => {
    expect(await startRun({ engine, limits: roomy }, input({ customer: { customerId: "C-9999" } }))).toEqual({
      ok: false,
      refusal: { code: "customer_unknown", message: "The token's customer does not exist." },
    });
    expect(await db.run.count()).toBe(0);
    expect(await db.rateLimit.count()).toBe(0);
  });

  it("refuses past the per-customer limit, with the seconds to wait and which limit it was", async () => {
    const limits = { ...roomy, runsPerCustomer: { limit: 1, windowSeconds: 60 } };
    const first = await startRun({ engine, limits }, input());
    expect(first.ok).toBe(true);
    const refused = await startRun({ engine, limits }, input({ message: "And my plan?" }));
    expect(refused).toMatchObject({ ok: false, refusal: { code: "rate_limited", limit: "runs_per_customer" } });
    if (refused.ok || refused.refusal.code !== "rate_limited") throw new Error("not refused");
    expect(refused.refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.refusal.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.refusal.message).toBe(`Too many messages in a short time. Try again in ${refused.refusal.retryAfterSeconds} s.`);
    if (first.ok) await untilRunSettled(db, first.runId);
    expect(await db.run.count()).toBe(1);
  });

  it("refuses past the per-address limit whoever the customer is", async () => {
    const limits = { ...roomy, runsPerIp: { limit: 1, windowSeconds: 60 } };
    const first = await startRun({ engine, limits }, input());
    const refused = await startRun({ engine, limits }, input({ customer: { customerId: "C-1005" } }));
    expect(refused).toMatchObject({ ok: false, refusal: { code: "rate_limited", limit: "runs_per_ip" } });
    // Another address is another client.
    const elsewhere = await startRun({ engine, limits }, input({ customer: { customerId: "C-1005" }, clientIp: "198.51.100.7" }));
    expect(elsewhere.ok).toBe(true);
    for (const r of [first, elsewhere]) if (r.ok) await untilRunSettled(db, r.runId);
  });

  it("refuses a customer whose model-token budget for the UTC day is spent, until the next UTC midnight", async () => {
    const now = new Date("2026-11-15T23:59:00Z");
    const limits = { ...roomy, tokensPerCustomerPerDay: 1000 };
    const spent = await createRun(db, { customerId: "C-1004", message: "earlier today" });
    await db.run.update({ where: { id: spent.run.id }, data: { status: "completed", tokensIn: 900, tokensOut: 200 } });
    // The budget counts runs created since the UTC day began: the real clock's day.
    const refused = await startRun({ engine, limits }, input());
    expect(refused).toMatchObject({ ok: false, refusal: { code: "rate_limited", limit: "tokens_per_customer_per_day" } });
    if (!refused.ok) expect(refused.refusal.message).toMatch(/^This customer's model-token budget for today is spent\. Try again in \d+ s\.$/);
    // Pinned to a minute before midnight, the wait is that minute (the run above belongs to the real day, so move it there).
    await db.run.update({ where: { id: spent.run.id }, data: { createdAt: new Date("2026-11-15T12:00:00Z") } });
    expect(await startRun({ engine, limits, now }, input())).toMatchObject({ ok: false, refusal: { code: "rate_limited", retryAfterSeconds: 60 } });
    expect(await db.run.count()).toBe(1);
  });

  it("refuses another customer's conversation, or one that does not exist, as not found", async () => {
    const theirs = await createRun(db, { customerId: "C-1005", message: "hello" });
    await db.run.update({ where: { id: theirs.run.id }, data: { status: "completed" } });
    for (const conversationId of [theirs.run.conversationId, "00000000-0000-4000-8000-000000000000"]) {
      expect(await startRun({ engine, limits: roomy }, input({ conversationId }))).toEqual({
        ok: false,
        refusal: { code: "conversation_not_found", message: "No such conversation for this customer." },
      });
    }
    expect(await db.run.count({ where: { customerId: "C-1004" } })).toBe(0);
  });

  it("refuses a message to a conversation whose previous run is still queued or running", async () => {
    // Stored but never started: it stays queued.
    const pending = await createRun(db, { customerId: "C-1004", message: "first" });
    const refused = await startRun({ engine, limits: roomy }, input({ conversationId: pending.run.conversationId }));
    expect(refused).toMatchObject({ ok: false, refusal: { code: "conversation_busy" } });
    expect(await db.run.count({ where: { conversationId: pending.run.conversationId } })).toBe(1);
  });
});
