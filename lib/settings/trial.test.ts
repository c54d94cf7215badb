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
import { JobRunner } from "../jobs/runner";
import { dbSettingsSource, settingsSourceFor, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { getTrial, startTrial, TRIAL_LEASE_MS, TRIAL_MAX_ATTEMPTS, trialJobKey, type TrialMetrics, type TrialResult } from "./trial";
import { settingsTrialJob } from "./trial-job";

const db = useTestDb();
const source = settingsSourceFor(db);
const alex = { id: "admin-1", name: "Alex Admin", email: "admin@switchboard.local" };

/** An app process's job runner, with the trial job only (`opts` as settingsTrialJob takes them). */
function trialRunner(opts: Partial<Parameters<typeof settingsTrialJob>[0]> = {}, on: { db?: typeof db; source?: SettingsSource; owner?: string } = {}) {
  return new JobRunner({ db: on.db ?? db, owner: on.owner, jobs: [settingsTrialJob({ source: on.source ?? source, evalDir, ...opts })] });
}
/** A trial's job row. */
const trialJob = (trialId: string) => db.job.findUniqueOrThrow({ where: { key: trialJobKey(trialId) } });

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
    await db.job.deleteMany();
  });

  it("runs the cases under the version in force and under the draft on a scratch world, with progress and deltas", async () => {
    const runsBefore = await db.run.count();
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: await draftWithLimit(2_000), files: ["mini.jsonl"] }, { evalDir });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    // The request returns before the trial runs: the row says so, and its job waits for a runner.
    expect(await getTrial(db, started.trialId)).toMatchObject({ status: "running", casesTotal: 6, attempts: 1 });
    expect(await trialJob(started.trialId)).toMatchObject({ kind: "settings_trial", status: "queued", payload: { trialId: started.trialId }, maxAttempts: TRIAL_MAX_ATTEMPTS });
    expect((await trialRunner().runDue()).map((r) => r.result)).toEqual(["done"]);

    const trial = await getTrial(db, started.trialId);
    expect(trial).toMatchObject({ status: "done", casesDone: 6, casesTotal: 6, files: ["mini.jsonl"], attempts: 1 });
    expect(await trialJob(started.trialId)).toMatchObject({ status: "done", attempts: 1, epoch: 1 });
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
    expect(await db.job.count()).toBe(0);

    // The first trial has not finished (no runner has taken it yet): a second waits.
    const first = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    const second = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, error: "busy", trialId: first.ok ? first.trialId : "" });
    expect(await db.job.count()).toBe(1);
  });

  it("gives a trial up as interrupted after it has been started too many times, and then lets a new one start", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!started.ok) throw new Error("not started");
    // Its process died (the lease lapsed) on the last start it is allowed.
    await db.job.update({
      where: { key: trialJobKey(started.trialId) },
      data: { status: "running", attempts: TRIAL_MAX_ATTEMPTS, epoch: TRIAL_MAX_ATTEMPTS, leaseOwner: "gone-host:1:aaaa", leaseUntil: new Date(Date.now() - 1_000) },
    });
    let scratchAsked = false;
    const runner = trialRunner({ scratch: async () => { scratchAsked = true; throw new Error("the trial must not run again"); } }, { owner: "next:2:bbbb" });
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["gave_up"]);
    expect(scratchAsked).toBe(false);
    expect(await getTrial(db, started.trialId)).toMatchObject({ status: "interrupted", error: expect.stringMatching(/Stopped 3 times .*Start it again/) });
    expect(await trialJob(started.trialId)).toMatchObject({ status: "failed" });
    expect((await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir })).ok).toBe(true);
    expect(await getTrial(db, "not-a-uuid")).toBeNull();
  });

  it("a trial nobody took over is superseded by a new one", async () => {
    const good = await draftWithLimit(2_000);
    const old = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!old.ok) throw new Error("not started");
    const lapsed = (ms: number) => db.job.update({ where: { key: trialJobKey(old.trialId) }, data: { status: "running", epoch: 1, attempts: 1, leaseOwner: "gone-host:1:aaaa", leaseUntil: new Date(Date.now() - ms) } });
    // Still within a lease past its own: a process may still take it over, so it counts as busy.
    await lapsed(TRIAL_LEASE_MS / 2);
    expect(await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir })).toMatchObject({ ok: false, error: "busy" });
    await lapsed(3 * TRIAL_LEASE_MS);
    const next = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    expect(next.ok).toBe(true);
    expect(await getTrial(db, old.trialId)).toMatchObject({ status: "interrupted", error: expect.stringMatching(/superseded/) });
    // Its job is closed too: a runner turning up late does not run it.
    expect(await trialJob(old.trialId)).toMatchObject({ status: "failed", lastError: expect.stringMatching(/superseded/) });

    // A job that waited, due, a whole lease with no runner to take it: superseded the same way.
    if (!next.ok) throw new Error("not started");
    await db.$executeRaw`UPDATE jobs SET "runAt" = "runAt" - interval '1 minute' WHERE key = ${trialJobKey(next.trialId)}`;
    expect((await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir })).ok).toBe(true);
    expect(await getTrial(db, next.trialId)).toMatchObject({ status: "interrupted" });
  });

  it("a trial whose job is taken over stops and writes nothing more", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!started.ok) throw new Error("not started");
    // Another process takes the job over as if this one had stalled past its lease, just
    // after this one recorded its start.
    const steal = () => db.$executeRaw`UPDATE jobs SET epoch = epoch + 1, attempts = attempts + 1, "leaseOwner" = 'other:2:bbbb' WHERE key = ${trialJobKey(started.trialId)}`;
    const runner = trialRunner({ scratch: async () => { await steal(); return createScratchDatabase(inject("databaseServerUrl") || null, "switchboard_trial_stolen"); } }, { owner: "slow:1:aaaa" });
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["lease_lost"]);
    const row = await db.settingsTrial.findUniqueOrThrow({ where: { id: started.trialId } });
    expect(row).toMatchObject({ status: "running", attempts: 1, casesDone: 0, result: null, error: null });
    expect(await trialJob(started.trialId)).toMatchObject({ status: "running", epoch: 2, leaseOwner: "other:2:bbbb" });
  });

  it("a trial whose process is killed is taken over at once and finishes with the result of an uninterrupted one", async () => {
    const good = await draftWithLimit(2_000);
    const uninterrupted = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!uninterrupted.ok) throw new Error("not started");
    await trialRunner().runDue();
    const expected = (await getTrial(db, uninterrupted.trialId))!.result;
    expect(expected).not.toBeNull();
    await db.settingsTrial.deleteMany();
    await db.job.deleteMany();

    // A real process starts the trial, its own runner runs it, and it is killed with SIGKILL after 2 of its 6 case runs.
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
    // Its job's lease has not run out, but its owner is certainly dead on this machine: taken over now.
    const job = await trialJob(trialId);
    expect(job).toMatchObject({ status: "running", epoch: 1, attempts: 1 });
    expect(job.leaseUntil!.getTime()).toBeGreaterThan(Date.now());

    const settled = await trialRunner().runDue();
    expect(settled).toMatchObject([{ id: job.id, result: "done", epoch: 2 }]);
    const resumed = await getTrial(db, trialId);
    expect(resumed).toMatchObject({ status: "done", attempts: 2, casesDone: 6 });
    expect(withoutTokens(resumed!.result)).toEqual(withoutTokens(expected));
    // Nothing else to take over.
    expect(await trialRunner().runDue()).toEqual([]);
  }, 120_000);

  it("shows exactly the numbers the evaluation gives for the same cases and settings", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir });
    if (!started.ok) throw new Error("not started");
    await trialRunner().runDue();
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
      const before = await databaseFingerprint(live.url, { except: ["settings_trials", "jobs"] });
      const { settings } = await liveSource.current();
      const draft = structuredClone(settings);
      draft.policy.autoCreditLimitCents = 2_000;
      // The app's environment: DATABASE_URL names the embedded server (and the old check's variable is absent).
      const env = { ...process.env, DATABASE_URL: live.url, SWITCHBOARD_DB_KIND: undefined };
      const started = await startTrial(liveDb, liveSource, alex, { basedOn: 1, settings: draft, files: ["mini.jsonl"] }, { evalDir });
      if (!started.ok) throw new Error("not started");
      // The app's runner on that database takes the trial's job.
      expect((await trialRunner({ env }, { db: liveDb, source: liveSource }).runDue()).map((r) => r.result)).toEqual(["done"]);
      expect(await getTrial(liveDb, started.trialId)).toMatchObject({ status: "done", casesDone: 6, error: null });
      // Nothing changed but the trial's row and its job's.
      expect(await databaseFingerprint(live.url, { except: ["settings_trials", "jobs"] })).toEqual(before);
      expect(await liveDb.job.findMany({ select: { key: true, status: true } })).toEqual([{ key: trialJobKey(started.trialId), status: "done" }]);
    } finally {
      await liveDb.$disconnect();
      await live.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
