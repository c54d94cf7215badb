import { beforeEach, describe, expect, it } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { createDb } from "../db/client";
import { resetWorld } from "../db/seed";
import { insertSettingsVersion, StaleSettingsError } from "../db/settings-versions";
import { localModels } from "../models/registry";
import { loadWorld } from "../world/fixture";
import { workers } from "../workers/registry";
import { createEngine, recoverRuns, submitMessage } from "./engine";
import { dbSettingsSource, defaultSettings } from "./settings";
import type { Settings } from "../contracts";
import { hangingModel } from "../models/scripted";

const db = useTestDb();
const clock = fixedClock("2026-11-15");
const defaults = () => defaultSettings(workers, loadWorld().policy, {});
const engine = (over: Partial<Parameters<typeof createEngine>[0]> = {}) =>
  createEngine({ db, worldAsOf: "2026-11-15", clock, models: localModels(0), retryBackoffMs: 10, settings: dbSettingsSource(db, defaults), ...over });

/** A model that never answers until its call is aborted, like a hung provider. */
const LATE_FEE = "I was charged a $30 late fee but I paid on time.";
const withLimit = (cents: number): Settings => {
  const s = defaults();
  s.policy.autoCreditLimitCents = cents;
  return s;
};
const save = (basedOn: number, settings: Settings) =>
  insertSettingsVersion(db, { basedOn, settings, diff: [], reason: "test", createdById: "admin-id", createdByName: "Alex Admin" });

async function outcome(runId: string) {
  const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
  const credits = await db.credit.findMany({ where: { runId } });
  const reviews = await db.reviewItem.findMany({ where: { runId } });
  return { status: run.status, settingsVersion: run.settingsVersion, credits: credits.map((c) => c.amountCents), reviews: reviews.map((r) => r.kind) };
}

describe("settings versions and runs", () => {
  beforeEach(() => resetTestWorld(db));

  it("pins a run to the version in force when it starts: a change made mid-run applies from the next run on", async () => {
    const deps = engine({
      onBoundary: async (name) => {
        // The admin lowers the limit to $20 after the plan, before the billing worker credits.
        if (name === "planned") await save(1, withLimit(2_000));
      },
    });
    const first = await submitMessage(deps, { customerId: "C-1001", message: LATE_FEE });
    expect(await first.done).toBe("completed");
    expect(await outcome(first.run.id)).toEqual({ status: "completed", settingsVersion: 1, credits: [3_000], reviews: [] });

    // The same request on a fresh world (settings versions are kept) now waits for a person.
    await resetWorld(db, loadWorld());
    const second = await submitMessage(engine(), { customerId: "C-1001", message: LATE_FEE });
    expect(await second.done).toBe("awaiting_review");
    expect(await outcome(second.run.id)).toEqual({ status: "awaiting_review", settingsVersion: 2, credits: [], reviews: ["credit_over_limit"] });
  });

  it("keeps the pinned version when another process resumes the run after the change", async () => {
    // Attempt 1 plans, the settings change, then the process "dies" (the attempt fails
    // and gives its lease back); a second engine with its own settings source resumes.
    let crashed = false;
    const first = engine({
      onBoundary: async (name) => {
        if (name === "planned" && !crashed) {
          crashed = true;
          await save(1, withLimit(2_000));
          throw new Error("process killed");
        }
      },
    });
    const { run, done } = await submitMessage(first, { customerId: "C-1001", message: LATE_FEE });
    expect(await done).toBe("lease_lost");
    const otherDb = createDb(inject("databaseUrl"), 2);
    try {
      const second = engine({ db: otherDb, settings: dbSettingsSource(otherDb, defaults) });
      const resumed = await recoverRuns(second);
      expect(resumed).toEqual([{ id: run.id, result: "completed" }]);
    } finally {
      await otherDb.$disconnect();
    }
    expect(await outcome(run.id)).toMatchObject({ settingsVersion: 1, credits: [3_000], reviews: [] });
  });

  it("sends the $30 credit to review under a $20 limit, and credits it again after a rollback", async () => {
    await dbSettingsSource(db, defaults).current();
    await save(1, withLimit(2_000));
    const lowered = await submitMessage(engine(), { customerId: "C-1001", message: LATE_FEE });
    expect(await lowered.done).toBe("awaiting_review");
    expect(await outcome(lowered.run.id)).toEqual({ status: "awaiting_review", settingsVersion: 2, credits: [], reviews: ["credit_over_limit"] });

    // The rollback: a new version with version 1's content.
    await resetWorld(db, loadWorld());
    await save(2, (await dbSettingsSource(db, defaults).version(1)).settings);
    const restored = await submitMessage(engine(), { customerId: "C-1001", message: LATE_FEE });
    expect(await restored.done).toBe("completed");
    expect(await outcome(restored.run.id)).toEqual({ status: "completed", settingsVersion: 3, credits: [3_000], reviews: [] });
  });

  it("applies a worker's timeout and retries", async () => {
    const s = defaults();
    s.workers.billing.timeoutMs = 1_000;
    s.workers.billing.retries = 0;
    await dbSettingsSource(db, defaults).current();
    await save(1, s);
    const deps = engine({ models: { ...localModels(0), billing: hangingModel } });
    const { run, done } = await submitMessage(deps, { customerId: "C-1002", message: "What is my balance?" });
    await done;
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id, worker: "billing" } });
    expect(invocations.map((i) => [i.status, i.error])).toEqual([["timed_out", "timed out after 1000 ms"]]);
    expect((await outcome(run.id)).reviews).toEqual(["worker_failure"]);
  });

  it("applies a worker's confidence threshold, and turns low-confidence reviews off", async () => {
    const s = defaults();
    s.workers.billing.confidenceThreshold = 1; // every answer is below it
    await dbSettingsSource(db, defaults).current();
    await save(1, s);
    const strict = await submitMessage(engine(), { customerId: "C-1002", message: "What is my balance?" });
    await strict.done;
    expect((await outcome(strict.run.id)).reviews).toEqual(["low_confidence"]);

    const off = structuredClone(s);
    off.policy.reviewKinds.low_confidence.enabled = false;
    await save(2, off);
    const quiet = await submitMessage(engine(), { customerId: "C-1002", message: "What is my balance?" });
    await quiet.done;
    expect(await outcome(quiet.run.id)).toMatchObject({ settingsVersion: 3, reviews: [] });
  });

  it("lets every process see a new version at its next run, and refuses a change based on an old version", async () => {
    const otherDb = createDb(inject("databaseUrl"), 2);
    try {
      const a = dbSettingsSource(db, defaults);
      const b = dbSettingsSource(otherDb, defaults);
      expect((await a.current()).version).toBe(1);
      expect((await b.current()).version).toBe(1);
      await save(1, withLimit(2_000));
      expect((await b.current()).settings.policy.autoCreditLimitCents).toBe(2_000);
      expect((await a.current()).version).toBe(2);
      // Version 1 stays readable as it was.
      expect((await b.version(1)).settings.policy.autoCreditLimitCents).toBe(5_000);

      await expect(save(1, withLimit(1_000))).rejects.toBeInstanceOf(StaleSettingsError);
      expect((await a.current()).version).toBe(2);
    } finally {
      await otherDb.$disconnect();
    }
  });

  it("never edits or deletes a stored version", async () => {
    await dbSettingsSource(db, defaults).current();
    await expect(db.settingsVersion.update({ where: { version: 1 }, data: { reason: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(db.settingsVersion.delete({ where: { version: 1 } })).rejects.toThrow(/immutable/);
  });

  it("two engines on their own connections share runs while the settings change: each run executes under one version, and the second engine picks the new one up without a restart", async () => {
    const BALANCE = "What is my balance?";
    const strict = defaults();
    strict.workers.billing.confidenceThreshold = 1; // under version 2 every billing answer goes to a person
    const otherDb = createDb(inject("databaseUrl"), 4);
    try {
      const sourceB = dbSettingsSource(otherDb, defaults);
      expect((await sourceB.current()).version).toBe(1); // B has read (and cached) version 1
      let saved = false;
      const a = engine({
        onBoundary: async (name) => {
          // Version 2 is saved while A's first run sits between its plan and its worker.
          if (name === "planned" && !saved) {
            saved = true;
            await save(1, strict);
          }
        },
      });
      const b = engine({ db: otherDb, settings: sourceB });
      const first = await submitMessage(a, { customerId: "C-1002", message: BALANCE });
      expect(await first.done).toBe("completed");
      const later = await Promise.all(
        [
          [b, "C-1003"],
          [a, "C-1004"],
          [b, "C-1005"],
        ].map(([deps, customerId]) => submitMessage(deps as typeof a, { customerId: customerId as string, message: BALANCE })),
      );
      await Promise.all(later.map((r) => r.done));
      const outcomes = await Promise.all([first, ...later].map((r) => outcome(r.run.id)));
      expect(outcomes.map((o) => [o.settingsVersion, o.reviews])).toEqual([
        [1, []], // pinned before the change: finished under version 1 although its worker ran after it
        [2, ["low_confidence"]],
        [2, ["low_confidence"]],
        [2, ["low_confidence"]],
      ]);
      // Each worker invocation's review (or none) follows its run's version, never the other one.
      const lowConfidence = await db.reviewItem.findMany({ where: { kind: "low_confidence" }, select: { runId: true } });
      expect(lowConfidence.map((r) => r.runId).sort()).toEqual(later.map((r) => r.run.id).sort());
    } finally {
      await otherDb.$disconnect();
    }
  });

  it("does not offer a disabled worker to the supervisor; a plan that names it anyway gets a person for that part", async () => {
    const s = defaults();
    s.workers.billing.enabled = false;
    await dbSettingsSource(db, defaults).current();
    await save(1, s);
    const { run, done } = await submitMessage(engine(), { customerId: "C-1002", message: "What is my balance? Also my internet keeps dropping." });
    expect(await done).toBe("awaiting_review");
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, select: { worker: true } });
    expect(invocations.map((i) => i.worker)).toEqual(["tech_support"]);
    const reviews = await db.reviewItem.findMany({ where: { runId: run.id }, select: { kind: true, summary: true } });
    expect(reviews).toEqual([{ kind: "worker_failure", summary: "the billing worker is turned off in the settings" }]);
  });
});
