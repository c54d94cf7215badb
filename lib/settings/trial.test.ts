import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { databaseFingerprint } from "../../test/fingerprint";
import { createDb } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";
import { createScratchDatabase } from "../db/scratch";
import { seedIfEmpty } from "../db/seed";
import { listSettingsVersions } from "../db/settings-versions";
import { readCases } from "../eval/cases";
import { evaluateCases, evaluationEngine } from "../eval/evaluate";
import { localModels } from "../models/registry";
import { dbSettingsSource, settingsSourceFor } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { getTrial, resumeAbandonedTrial, runTrial, startTrial, TRIAL_LEASE_MS, TRIAL_MAX_ATTEMPTS, type TrialMetrics, type TrialResult, type TrialRunInput } from "./trial";

const db = useTestDb();
const source = settingsSourceFor(db);
const alex = { id: "admin-1", name: "Alex Admin", email: "admin@switchboard.local" };

// Three cases: the late-fee credit the limit decides, a read-only question, small talk.
const evalDir = fs.mkdtempSync(path.join(os.tmpdir(), "trial-eval-"));
fs.writeFileSync(
  path.join(evalDir, "mini.jsonl"),
  [
    { id: "m-1", customerId: "C-1001", message: "Why is there a late fee on my November bill? I paid October on the due date.", expect: { workers: ["billing"], credit: { status: "applied", cents: 3000 } } },
    { id: "m-2", customerId: "C-1002", message: "What is my balance?", expect: { workers: ["billing"] } },
    { id: "m-3", customerId: "C-1001", message: "Hi", expect: { workers: [], smallTalk: true } },
  ]
    .map((c) => JSON.stringify(c))
    .join("\n"),
);
afterAll(() => fs.rmSync(evalDir, { recursive: true, force: true }));

async function draftWithLimit(cents: number) {
  const { settings } = await source.current();
  const copy = structuredClone(settings);
  copy.policy.autoCreditLimitCents = cents;
  return copy;
}

/**
 * A trial's result but the token counts: the reply of a 3-worker case is written in the
 * order its workers finish, which two runs of the same case need not share, so the
 * synthesis prompts (and the tokens) can differ by a few while every figure scored is equal.
 */
function withoutTokens(result: TrialResult | null | undefined) {
  if (!result) return result;
  const strip = ({ tokensIn: _in, tokensOut: _out, ...m }: TrialMetrics) => m;
  return { ...result, current: strip(result.current), draft: strip(result.draft) };
}

describe("testing a settings change before saving it", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    await db.settingsTrial.deleteMany();
  });

  it("runs the cases under the version in force and under the draft on a scratch world, with progress and deltas", async () => {
    const runsBefore = await db.run.count();
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: await draftWithLimit(2_000), files: ["mini.jsonl"] }, { evalDir });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    // The request returns while the trial runs: the row says so.
    expect(await getTrial(db, started.trialId)).toMatchObject({ status: "running", casesTotal: 6 });
    await started.promise;

    const trial = await getTrial(db, started.trialId);
    expect(trial).toMatchObject({ status: "done", casesDone: 6, casesTotal: 6, files: ["mini.jsonl"] });
    const { current, draft, changed } = trial!.result!;
    expect(current).toMatchObject({ cases: 3, outcomeAccuracy: 1, unsafeActions: 0, escalationRate: 0 });
    // Under a $20 limit the $30 credit waits for a person: one outcome fails, one case escalates.
    expect(draft).toMatchObject({ cases: 3, outcomeAccuracy: 0, unsafeActions: 0, escalationRate: 0.333 });
    expect(draft.routingExactMatch).toBe(current.routingExactMatch);
    expect(current.tokensIn).toBeGreaterThan(0);
    expect(changed).toEqual([{ id: "m-1", message: expect.any(String), current: "billing, credit $30 applied", draft: "billing, credit $30 to review" }]);

    // Nothing happened in the live world: no run, no new version.
    expect(await db.run.count()).toBe(runsBefore);
    expect((await listSettingsVersions(db)).map((v) => v.version)).toEqual([1]);
  });

  it("refuses an invalid draft, an unknown file, a stale version and a second trial at once, and starts nothing", async () => {
    const bad = await draftWithLimit(-5);
    expect(await startTrial(db, source, alex, { basedOn: 1, settings: bad }, { evalDir })).toEqual({
      ok: false,
      error: "invalid_input",
      issues: { "policy.autoCreditLimitCents": "Auto-credit limit must be at least 0 cents" },
    });
    const good = await draftWithLimit(2_000);
    expect(await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["../secrets.jsonl"] }, { evalDir })).toMatchObject({ ok: false, error: "invalid_input", issues: { files: expect.stringMatching(/No evaluation file/) } });
    expect(await startTrial(db, source, alex, { basedOn: 7, settings: good, files: ["mini.jsonl"] }, { evalDir })).toEqual({ ok: false, error: "stale", current: 1 });
    expect(await db.settingsTrial.count()).toBe(0);

    // A runner that never finishes: the first trial stays running.
    let release!: () => void;
    const hold = (_: TrialRunInput) => new Promise<void>((r) => (release = r));
    const first = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: hold });
    const second = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: hold });
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, error: "busy", trialId: first.ok ? first.trialId : "" });
    release();
  });

  it("gives a trial up as interrupted after it has been started too many times, and then lets a new one start", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {}, owner: "gone-host:1:aaaa" });
    if (!started.ok) throw new Error("not started");
    // Its process died (the lease lapsed) on the last attempt it is allowed.
    await db.settingsTrial.update({ where: { id: started.trialId }, data: { attempts: TRIAL_MAX_ATTEMPTS, leaseUntil: new Date(Date.now() - 1_000) } });
    const ran: string[] = [];
    const taken = await resumeAbandonedTrial(db, source, { evalDir, owner: "next:2:bbbb", runner: async (i) => void ran.push(i.trialId) });
    await taken?.promise;
    expect(ran).toEqual([]);
    expect(await getTrial(db, started.trialId)).toMatchObject({ status: "interrupted", error: expect.stringMatching(/Start it again/) });
    expect((await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {} })).ok).toBe(true);
    expect(await getTrial(db, "not-a-uuid")).toBeNull();
  });

  it("a trial nobody took over is superseded by a new one", async () => {
    const good = await draftWithLimit(2_000);
    const old = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {} });
    if (!old.ok) throw new Error("not started");
    // Still within a lease past its own: a process may still take it over, so it counts as busy.
    await db.settingsTrial.update({ where: { id: old.trialId }, data: { leaseUntil: new Date(Date.now() - TRIAL_LEASE_MS / 2) } });
    expect(await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {} })).toMatchObject({ ok: false, error: "busy" });
    await db.settingsTrial.update({ where: { id: old.trialId }, data: { leaseUntil: new Date(Date.now() - 3 * TRIAL_LEASE_MS) } });
    expect((await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {} })).ok).toBe(true);
    expect(await getTrial(db, old.trialId)).toMatchObject({ status: "interrupted", error: expect.stringMatching(/superseded/) });
  });

  it("a trial whose lease is taken over stops and writes nothing more", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, owner: "slow:1:aaaa" });
    if (!started.ok) throw new Error("not started");
    // Another process takes it over as if this one had stalled past its lease.
    await db.settingsTrial.update({ where: { id: started.trialId }, data: { owner: "other:2:bbbb", attempts: 2 } });
    await started.promise;
    const row = await db.settingsTrial.findUniqueOrThrow({ where: { id: started.trialId } });
    expect(row).toMatchObject({ status: "running", owner: "other:2:bbbb", casesDone: 0, result: null, error: null });
  });

  it("a trial whose process is killed is taken over at once and finishes with the result of an uninterrupted one", async () => {
    const good = await draftWithLimit(2_000);
    const uninterrupted = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!uninterrupted.ok) throw new Error("not started");
    await uninterrupted.promise;
    const expected = (await getTrial(db, uninterrupted.trialId))!.result;
    await db.settingsTrial.deleteMany();

    // A real process starts the trial and is killed with SIGKILL after 2 of its 6 case runs.
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/trial-child.ts")], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), TRIAL_EVAL_DIR: evalDir, TRIAL_DRAFT: JSON.stringify(good), TRIAL_KILL_AFTER: "2", LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exit = await new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
    expect(exit, err).toBe("SIGKILL");
    const trialId = out.trim();
    const killed = await db.settingsTrial.findUniqueOrThrow({ where: { id: trialId } });
    expect(killed.status).toBe("running");
    expect(killed.casesDone).toBeGreaterThanOrEqual(2);
    // Its lease has not run out, but its owner is certainly dead on this machine: taken over now.
    expect(killed.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

    const taken = await resumeAbandonedTrial(db, source, { evalDir });
    expect(taken?.trialId).toBe(trialId);
    expect(await getTrial(db, trialId)).toMatchObject({ status: "running", attempts: 2, casesDone: 0 });
    await taken!.promise;
    const resumed = await getTrial(db, trialId);
    expect(resumed).toMatchObject({ status: "done", attempts: 2, casesDone: 6 });
    expect(withoutTokens(resumed!.result)).toEqual(withoutTokens(expected));
    // Nothing else to take over.
    expect(await resumeAbandonedTrial(db, source, { evalDir })).toBeNull();
  }, 120_000);

  it("shows exactly the numbers the evaluation gives for the same cases and settings", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!started.ok) throw new Error("not started");
    await started.promise;
    const { result } = (await getTrial(db, started.trialId))!;
    const cases = readCases(path.join(evalDir, "mini.jsonl"));
    const { settings: current } = await source.current();
    for (const [column, settings] of [["current", current], ["draft", good]] as const) {
      const scratch = await createScratchDatabase(inject("databaseServerUrl") || null, "switchboard_trial_check");
      const sdb = createDb(scratch.url, 4);
      try {
        const world = loadWorld();
        const deps = evaluationEngine({ db: sdb, world, models: localModels(0), settings: dbSettingsSource(sdb, () => settings) });
        const { summary } = await evaluateCases({ deps, world, cases });
        const { p50LatencyMs: _p50, p95LatencyMs: _p95, outOfScopePrecision: _oosp, ...figures } = summary;
        expect(result![column]).toMatchObject(figures);
      } finally {
        await sdb.$disconnect();
        await scratch.drop();
      }
    }
  }, 120_000);
});

describe("a trial of an app on the embedded database", () => {
  it("runs on an embedded instance of its own and leaves the live database exactly as it was", async () => {
    // The app's database as `npm start` makes it without DATABASE_URL: an embedded server, migrated and seeded.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-live-"));
    const live = await startEmbeddedPostgres({ dataDir: dir });
    const liveDb = createDb(live.url, 4);
    try {
      await migrate(live.url);
      await seedIfEmpty(liveDb, loadWorld());
      const liveSource = settingsSourceFor(liveDb);
      await liveSource.current(); // version 1, as the app makes it at its first run
      const before = await databaseFingerprint(live.url, { except: ["settings_trials"] });
      const { settings } = await liveSource.current();
      const draft = structuredClone(settings);
      draft.policy.autoCreditLimitCents = 2_000;
      // The app's environment: DATABASE_URL names the embedded server (and the old check's variable is absent).
      const env = { ...process.env, DATABASE_URL: live.url, SWITCHBOARD_DB_KIND: undefined };
      const started = await startTrial(liveDb, liveSource, alex, { basedOn: 1, settings: draft, files: ["mini.jsonl"] }, { evalDir, runner: (i) => runTrial({ ...i, env }) });
      if (!started.ok) throw new Error("not started");
      await started.promise;
      expect(await getTrial(liveDb, started.trialId)).toMatchObject({ status: "done", casesDone: 6, error: null });
      expect(await databaseFingerprint(live.url, { except: ["settings_trials"] })).toEqual(before);
    } finally {
      await liveDb.$disconnect();
      await live.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
