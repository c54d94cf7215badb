import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { listSettingsVersions } from "../db/settings-versions";
import { settingsSourceFor } from "../orchestrator/settings";
import { getTrial, startTrial, type TrialRunInput } from "./trial";

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

  it("reports a trial whose process went away as interrupted", async () => {
    const good = await draftWithLimit(2_000);
    const started = await startTrial(db, source, alex, { basedOn: 1, settings: good, files: ["mini.jsonl"] }, { evalDir, runner: async () => {} });
    if (!started.ok) throw new Error("not started");
    expect((await getTrial(db, started.trialId, new Date(Date.now() + 10 * 60_000)))?.status).toBe("interrupted");
    expect(await getTrial(db, "not-a-uuid")).toBeNull();
  });
});
