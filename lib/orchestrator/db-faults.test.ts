import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { workers } from "../workers/registry";
import { resetThenFailModel, scriptedModel } from "../models/scripted";
import { createEngine, recoverRuns, submitMessage } from "./engine";
import { listEvents } from "./store";

// A database that drops the connection inside a side-effecting tool's transaction.
// The fault is in PostgreSQL itself: a trigger on the credits table that, while a
// sequence-counted budget lasts, terminates its own backend (on a real server) or
// raises the same SQLSTATE 57P01 (on the embedded one, which has a single session).
// The sequence is not transactional, so the budget survives the rollback it causes.

const db = useTestDb();
const engine = () => createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
const MESSAGE = "Why is there a late fee on my November bill? I paid October on the due date.";

async function dropConnectionOnCreditInsert(times: number) {
  const realServer = Boolean(inject("databaseServerUrl"));
  const fault = realServer
    ? "PERFORM pg_terminate_backend(pg_backend_pid());"
    : "RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';";
  await db.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS fault_credit_seq`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE fault_credit_seq`);
  await db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION fault_credit_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('fault_credit_seq') <= ${times} THEN ${fault} END IF;
      RETURN NEW;
    END $$`);
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_credit ON credits`);
  await db.$executeRawUnsafe(`CREATE TRIGGER fault_credit BEFORE INSERT ON credits FOR EACH ROW EXECUTE FUNCTION fault_credit_insert()`);
}

async function faultsUsed(): Promise<number> {
  const [{ last_value, is_called }] = await db.$queryRawUnsafe<Array<{ last_value: bigint; is_called: boolean }>>(`SELECT last_value, is_called FROM fault_credit_seq`);
  return is_called ? Number(last_value) : 0;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

describe("a dropped database connection inside a side-effecting tool", () => {
  beforeAll(() => process.on("unhandledRejection", onUnhandled));
  afterAll(() => process.off("unhandledRejection", onUnhandled));
  beforeEach(async () => {
    unhandled.length = 0;
    await resetTestWorld(db);
  });
  afterEach(async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_credit ON credits`);
  });

  it("is retried under the same key: the credit is applied once and the reply says so", async () => {
    await dropConnectionOnCreditInsert(2);
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: MESSAGE });
    expect(await done).toBe("completed");
    expect(await faultsUsed()).toBeGreaterThanOrEqual(3); // two dropped, the third went through

    const credits = await db.credit.findMany({ where: { customerId: "C-1001", runId: run.id } });
    expect(credits.map((c) => c.amountCents)).toEqual([3000]);
    expect(await db.sideEffect.count({ where: { runId: run.id, tool: "issue_credit" } })).toBe(1);
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).toMatch(/credited \$30\.00/);
    expect(unhandled).toEqual([]);
  });

  it("never becomes a business answer when the database stays unreachable: the part fails honestly and a person is asked", async () => {
    await dropConnectionOnCreditInsert(1_000);
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: MESSAGE });
    expect(await done).toBe("awaiting_review");

    // What the ledger says...
    expect(await db.credit.count({ where: { customerId: "C-1001", runId: run.id } })).toBe(0);
    expect(await db.sideEffect.count({ where: { runId: run.id } })).toBe(0);
    // ...is what the customer is told: nothing claimed, nothing denied, a person follows up.
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).not.toMatch(/credited|matches your plan|refused|no billing error/i);
    expect(reply).toMatch(/couldn't complete the billing part/i);
    expect(reply).toMatch(/follow up/i);

    const review = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    expect(review.kind).toBe("worker_failure");
    expect(JSON.stringify(review.context)).toContain("issue_credit");

    // Every attempt at the call is on record, failed ones included, and both worker attempts failed.
    const calls = await db.toolCall.findMany({ where: { runId: run.id, tool: "issue_credit" } });
    expect(calls.length).toBe(2);
    expect(calls.every((c) => c.isError && (c.result as { error?: string }).error === "unavailable")).toBe(true);
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, orderBy: { attempt: "asc" } });
    expect(invocations.map((i) => i.status)).toEqual(["failed", "failed"]);
    // The model never read the infrastructure error: no tool_result event carries it.
    const events = await listEvents(db, run.id);
    expect(events.some((e) => e.type === "tool_result" && e.tool === "issue_credit")).toBe(false);
    expect(unhandled).toEqual([]);
  });
});

// The tool answered and its effect is committed, then the worker's own bookkeeping (the
// tool_result event) loses its connection. That failure is the engine's, not the tool's
// answer: the model must never read it as "the change was refused".
describe("a dropped database connection in the worker's bookkeeping after a tool answered", () => {
  beforeAll(() => process.on("unhandledRejection", onUnhandled));
  afterAll(() => process.off("unhandledRejection", onUnhandled));
  beforeEach(async () => {
    unhandled.length = 0;
    await resetTestWorld(db);
  });
  afterEach(async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_event ON run_events`);
  });

  // Once: the event write is tried again on a fresh connection and the attempt goes on.
  // Five times (past the retries): the attempt fails, and the next one remembers the change.
  it.each([
    [1, ["succeeded"]],
    [5, ["failed", "succeeded"]],
  ])("dropped %i time(s): never reaches the model; the reply says the change was made", async (times, statuses) => {
    const realServer = Boolean(inject("databaseServerUrl"));
    const fault = realServer
      ? "PERFORM pg_terminate_backend(pg_backend_pid());"
      : "RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';";
    await db.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS fault_event_seq`);
    await db.$executeRawUnsafe(`CREATE SEQUENCE fault_event_seq`);
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fault_event_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'tool_result' AND NEW.data->>'tool' = 'change_plan' AND nextval('fault_event_seq') <= ${times} THEN ${fault} END IF;
        RETURN NEW;
      END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER fault_event BEFORE INSERT ON run_events FOR EACH ROW EXECUTE FUNCTION fault_event_insert()`);

    const { run, done } = await submitMessage(engine(), { customerId: "C-1006", message: "Please move me down to Fiber 100." });
    expect(await done).toBe("completed");
    const [{ is_called }] = await db.$queryRawUnsafe<Array<{ is_called: boolean }>>(`SELECT is_called FROM fault_event_seq`);
    expect(is_called).toBe(true);

    const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
    expect(ledger.map((l) => [l.tool, (l.result as { status?: string }).status])).toEqual([["change_plan", "applied"]]);
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } })).planId).toBe("basic-100");
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).toMatch(/your plan is now Fiber 100/);
    expect(reply).not.toMatch(/can't change your plan|not eligible/);
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, orderBy: { attempt: "asc" } });
    expect(invocations.map((i) => i.status)).toEqual(statuses);
    // One result event per attempt that got it stored, never a duplicate.
    const results = (await listEvents(db, run.id)).filter((e) => e.type === "tool_result" && e.tool === "change_plan");
    expect(results.length).toBe(times === 1 ? 1 : 0);
    expect(unhandled).toEqual([]);
  });
});

// A tool call that outlives its worker's attempt: the credit's insert hangs in the
// database (5 s) past the billing worker's timeout (shortened here to 1.5 s), on both attempts.
// When the attempt gives up, the call must neither commit afterwards nor be retried by
// the tool's transient-error loop: the customer was told that part could not be done.
describe("a tool call its worker gave up on", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_hang ON credits`);
  });

  it("never lands after the worker failed: no late credit, and the reply and the ledger agree", async () => {
    await db.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS fault_hang_seq`);
    await db.$executeRawUnsafe(`CREATE SEQUENCE fault_hang_seq`);
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fault_hang_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('fault_hang_seq') <= 2 THEN PERFORM pg_sleep(5); END IF;
        RETURN NEW;
      END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER fault_hang BEFORE INSERT ON credits FOR EACH ROW EXECUTE FUNCTION fault_hang_insert()`);
    const impatient = { ...workers, billing: { ...workers.billing, timeoutMs: 1_500 } };
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10, workers: impatient });

    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: MESSAGE });
    expect(await done).toBe("awaiting_review");
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, orderBy: { attempt: "asc" } });
    expect(invocations.map((i) => i.status)).toEqual(["timed_out", "timed_out"]);
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).toMatch(/couldn't complete the billing part/i);

    // Wait until the hung calls are over: nothing of this database active or in a
    // transaction for 1.5 s (the second call waits for the first's lock, then hangs too).
    const busy = () => db.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`);
    for (let quiet = 0, i = 0; quiet < 15 && i < 250; i++) {
      quiet = (await busy()).length ? 0 : quiet + 1;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [{ last_value }] = await db.$queryRawUnsafe<Array<{ last_value: bigint }>>(`SELECT last_value FROM fault_hang_seq`);
    expect(Number(last_value)).toBeLessThanOrEqual(2); // nothing ran again later
    expect(await db.credit.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.sideEffect.count({ where: { runId: run.id } })).toBe(0);
  });
});

// The effect's transaction stalls in its COMMIT (a deferred trigger) longer than the
// worker's attempts last: each attempt times out, yet the credit lands. What the
// customer is told must follow the ledger, not the timer.
describe("a side effect whose COMMIT outlives its attempt's deadline", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_slow_commit ON credits`);
  });

  it("is stated as done once it lands, and the review item says so too", async () => {
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fault_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$`);
    await db.$executeRawUnsafe(`CREATE CONSTRAINT TRIGGER fault_slow_commit AFTER INSERT ON credits DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fault_slow_commit()`);
    const impatient = { ...workers, billing: { ...workers.billing, timeoutMs: 1_200 } };
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10, workers: impatient });

    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: MESSAGE });
    await done;
    // The ledger holds the credit...
    expect((await db.credit.findMany({ where: { runId: run.id } })).map((c) => c.amountCents)).toEqual([3000]);
    expect(await db.sideEffect.count({ where: { runId: run.id, tool: "issue_credit" } })).toBe(1);
    // ...and the customer is told it is done, never only that the part could not be completed.
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).toMatch(/credited \$30\.00/);
    // A person asked to follow up on a failed part sees the credit as done, from the ledger.
    for (const item of await db.reviewItem.findMany({ where: { runId: run.id, kind: "worker_failure" } })) {
      expect(JSON.stringify((item.context as { applied?: unknown }).applied ?? [])).toContain("issue_credit");
    }
  }, 60_000);
});

// A side-effecting tool that fails outright (an error the line system raises, not a
// dropped connection): the model reads the error, and must not tell it as an outcome.
describe("a side-effecting tool that fails", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS fault_line ON line_states`);
  });

  it("is not reported as a remote reset that did not help, and no technician is booked on it", async () => {
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION fault_line_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'line system down' USING ERRCODE = 'P0001'; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER fault_line BEFORE UPDATE ON line_states FOR EACH ROW EXECUTE FUNCTION fault_line_update()`);
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
    expect(await done).toBe("awaiting_review");

    const calls = await db.toolCall.findMany({ where: { runId: run.id, tool: "remote_reset" } });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.isError)).toBe(true);
    expect(await db.sideEffect.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.dispatch.count({ where: { customerId: "C-1001" } })).toBe(0);

    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).not.toMatch(/didn't fix it|booked a technician|fixed it/);
    expect(reply).toMatch(/couldn't be carried out/);
    const reviews = await db.reviewItem.findMany({ where: { runId: run.id } });
    expect(reviews.map((r) => [r.kind, r.status])).toEqual([["low_confidence", "pending"]]);
  });
});

// A worker whose attempts all fail after one of them committed an effect (its next
// step hangs past the timeout, its model stops answering): no worker summary exists,
// so the ledger is what the reply and the reviewer are told (docs/CHAOS.md, bug 8).
describe("a worker that fails after its effect committed", () => {
  beforeEach(() => resetTestWorld(db));

  it("says in the reply what the part did before it failed, and the review item carries the ledger's effects", async () => {
    const tech = resetThenFailModel();
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: { ...localModels(0), tech_support: tech.model }, retryBackoffMs: 10 });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
    expect(await done).toBe("awaiting_review");

    // The ledger: one reset of this run's task, which fixed the line...
    const effects = await db.sideEffect.findMany({ where: { runId: run.id } });
    expect(effects.map((e) => [e.tool, (e.result as { status: string }).status])).toEqual([["remote_reset", "fixed"]]);
    expect((await db.lineState.findUniqueOrThrow({ where: { customerId: "C-1001" } })).status).toBe("ok");
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id, worker: "tech_support" }, orderBy: { attempt: "asc" } });
    expect(invocations.map((i) => i.status)).toEqual(["failed", "failed"]);

    // ...is what the customer reads: the reset is stated as done, the rest is left to a person.
    const reply = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply ?? "";
    expect(reply).toMatch(/fixed it with a remote reset/);
    expect(reply).toMatch(/couldn't finish the technical support part/i);
    expect(reply).not.toMatch(/couldn't complete the technical support part|didn't fix it|Wi-Fi|booked a technician/i);
    const review = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "worker_failure" } });
    expect(review.summary).toMatch(/after remote_reset took effect/);
    const applied = (review.context as { applied: Array<{ tool: string; statement: string | null; idempotencyKey: string }> }).applied;
    expect(applied).toEqual([expect.objectContaining({ tool: "remote_reset", idempotencyKey: effects[0].idempotencyKey, statement: expect.stringMatching(/fixed it with a remote reset/) })]);
    // The second attempt found the reset in its journal and did not reset again.
    expect(await db.toolCall.count({ where: { runId: run.id, tool: "remote_reset", isError: false } })).toBe(1);
  });

  it("a run that fails for good states the effects its workers committed", async () => {
    const tech = resetThenFailModel();
    const brokenSynthesis = scriptedModel("synthesis-down", () => {
      throw new Error("synthesis provider unavailable");
    });
    const deps = createEngine({
      db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), retryBackoffMs: 10,
      models: { ...localModels(0), tech_support: tech.model, synthesis: brokenSynthesis.model },
    });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
    let result = await done;
    for (let i = 0; i < 3 && result === "lease_lost"; i++) result = (await recoverRuns(deps)).map((r) => r.result).at(-1) ?? result;
    expect(result).toBe("failed");
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe("failed");
    expect(stored.reply).toMatch(/^I'm sorry: something went wrong on our side/);
    expect(stored.reply).toMatch(/this much is done: I found a fault on your line and fixed it with a remote reset/);
    expect(await db.sideEffect.count({ where: { runId: run.id, tool: "remote_reset" } })).toBe(1);
  });
});
