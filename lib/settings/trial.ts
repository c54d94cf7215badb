import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { settingsIssues, type Settings } from "../contracts";
import { fixedClock } from "../clock";
import { createDb, type Db } from "../db/client";
import { createScratchDatabase, type ScratchDatabase } from "../db/scratch";
import { ensureFirstSettingsVersion, insertSettingsVersion } from "../db/settings-versions";
import { readCases, type EvalCase } from "../eval/cases";
import { runCase, snapshotWorld } from "../eval/run-case";
import { scoreCase, summarise, type CaseScore, type Observed } from "../eval/score";
import { log } from "../log";
import { modelsFromEnv } from "../models/registry";
import { createEngine } from "../orchestrator/engine";
import { dbSettingsSource, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { settingsSchema, type Editor } from "./admin";

// "Test this change": the evaluation cases run twice on a scratch copy of the world,
// once under the version in force and once under the admin's draft, and the two sets
// of metrics are shown side by side before the admin saves. It runs in the background
// of the app process that started it (a request would time out); progress and the
// result live in settings_trials, which the page polls.

/** The evaluation files a trial may use (eval/*.jsonl), by name. */
export function evalFiles(dir = path.join(process.cwd(), "eval")): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort();
  } catch {
    return [];
  }
}

/** The file a trial uses unless the admin picks others: the hand-written development set. */
export const DEFAULT_TRIAL_FILES = ["dev.jsonl"];

export interface TrialMetrics {
  cases: number;
  routingExactMatch: number;
  workerPrecision: number;
  workerRecall: number;
  outOfScopeRecall: number;
  outcomeAccuracy: number;
  unsafeActions: number;
  /** Share of cases that left at least one item for a person. */
  escalationRate: number;
  tokensIn: number;
  tokensOut: number;
}

/** A case whose result differs between the two settings. */
export interface ChangedCase {
  id: string;
  message: string;
  current: string;
  draft: string;
}

export interface TrialResult {
  current: TrialMetrics;
  draft: TrialMetrics;
  changed: ChangedCase[];
}

export type TrialView = {
  id: string;
  basedOn: number;
  files: string[];
  status: "running" | "done" | "failed" | "interrupted";
  casesDone: number;
  casesTotal: number;
  result: TrialResult | null;
  error: string | null;
  createdAt: Date;
};

/** A running trial that has not reported progress for this long died with its process. */
const STALE_AFTER_MS = 120_000;

/** One case's result in a few words, to compare the two runs of it. */
export function describeOutcome(o: Observed): string {
  const parts: string[] = [o.outOfScope ? "declined" : o.smallTalk ? "small talk" : o.workers.length ? [...o.workers].sort().join(" + ") : "no worker"];
  const dollars = (cents: number) => `$${(cents / 100).toFixed(cents % 100 ? 2 : 0)}`;
  for (const c of o.creditsApplied) parts.push(`credit ${dollars(c)} applied`);
  for (const c of o.creditReviews) parts.push(`credit ${dollars(c)} to review`);
  if (o.planAfter !== o.planBefore) parts.push(`plan changed to ${o.planAfter}`);
  for (const p of o.planReviews) parts.push(`plan change to ${p} to review`);
  if (o.dispatched) parts.push("technician booked");
  const otherReviews = o.reviewKinds.filter((k) => k !== "credit_over_limit" && k !== "downgrade_fee");
  for (const k of [...new Set(otherReviews)].sort()) parts.push(`${k.replace(/_/g, " ")} review`);
  return parts.join(", ");
}

function metrics(cases: EvalCase[], observed: Array<Observed & { tokensIn: number; tokensOut: number }>, scores: CaseScore[]): TrialMetrics {
  const s = summarise(cases, observed, scores);
  const escalated = observed.filter((o) => o.reviewKinds.length > 0).length;
  return {
    cases: s.cases,
    routingExactMatch: s.routingExactMatch,
    workerPrecision: s.workerPrecision,
    workerRecall: s.workerRecall,
    outOfScopeRecall: s.outOfScopeRecall,
    outcomeAccuracy: s.outcomeAccuracy,
    unsafeActions: s.unsafeActions,
    escalationRate: cases.length ? Math.round((escalated / cases.length) * 1000) / 1000 : 0,
    tokensIn: observed.reduce((n, o) => n + o.tokensIn, 0),
    tokensOut: observed.reduce((n, o) => n + o.tokensOut, 0),
  };
}

export interface TrialRunInput {
  /** The app's database: the trial row lives there; nothing else is touched. */
  db: Db;
  trialId: string;
  current: Settings;
  draft: Settings;
  cases: EvalCase[];
  /** A fresh scratch database (default: one next to the app's, or an embedded one). */
  scratch?: () => Promise<ScratchDatabase>;
  env?: Record<string, string | undefined>;
}

/** The scratch database for a trial: on the app's server, or embedded when the app runs on the embedded one. */
function scratchFor(env: Record<string, string | undefined>) {
  const server = env.SWITCHBOARD_DB_KIND === "embedded" ? undefined : env.DATABASE_URL;
  return createScratchDatabase(server, "switchboard_trial");
}

/**
 * Runs the cases under `current`, then under `draft`, each case on a freshly restored
 * world in a scratch database, and stores the metrics of both and the cases whose
 * result changed. Progress is written after every case. Never throws: a failure is
 * stored on the trial.
 */
export async function runTrial(input: TrialRunInput): Promise<void> {
  const { db, trialId, cases } = input;
  const env = input.env ?? process.env;
  let scratch: ScratchDatabase | null = null;
  let scratchDb: Db | null = null;
  try {
    scratch = await (input.scratch ?? (() => scratchFor(env)))();
    scratchDb = createDb(scratch.url, 4);
    const world = loadWorld();
    // The simulated latency of the local model only slows the trial down; it changes no metric shown.
    const models = modelsFromEnv({ ...env, LOCAL_MODEL_LATENCY_MS: "0" });
    const deps = createEngine({
      db: scratchDb,
      worldAsOf: world.asOf,
      clock: fixedClock(world.asOf),
      models,
      settings: dbSettingsSource(scratchDb, () => input.current),
    });
    const snapshot = await snapshotWorld(scratchDb, world);
    const passes: Array<{ observed: Array<Observed & { tokensIn: number; tokensOut: number }>; scores: CaseScore[] }> = [];
    let done = 0;
    for (const pass of ["current", "draft"] as const) {
      // In the scratch database, version 1 is the version in force and version 2 the draft:
      // runs pin the version in force at their claim, exactly as in the app.
      if (pass === "current") await ensureFirstSettingsVersion(scratchDb, input.current);
      else await scratchDb.$transaction((tx) => insertSettingsVersion(tx, { basedOn: 1, settings: input.draft, diff: [], reason: "draft under trial", createdById: "trial", createdByName: "Trial" }));
      const observed: Array<Observed & { tokensIn: number; tokensOut: number }> = [];
      const scores: CaseScore[] = [];
      for (const c of cases) {
        const o = await runCase(deps, world, c, snapshot.restore);
        observed.push(o);
        scores.push(scoreCase(c, o));
        done++;
        await db.settingsTrial.update({ where: { id: trialId }, data: { casesDone: done } });
      }
      passes.push({ observed, scores });
    }
    await snapshot.dispose();
    const [cur, dra] = passes;
    const changed: ChangedCase[] = cases
      .map((c, i) => ({ id: c.id, message: c.message, current: describeOutcome(cur.observed[i]), draft: describeOutcome(dra.observed[i]) }))
      .filter((x) => x.current !== x.draft);
    const result: TrialResult = { current: metrics(cases, cur.observed, cur.scores), draft: metrics(cases, dra.observed, dra.scores), changed };
    await db.settingsTrial.update({ where: { id: trialId }, data: { status: "done", result: result as unknown as object } });
  } catch (err) {
    log.error({ err, trialId }, "settings trial failed");
    const message = err instanceof Error ? err.message : String(err);
    await db.settingsTrial
      .update({ where: { id: trialId }, data: { status: "failed", error: message.slice(0, 500) } })
      .catch((e) => log.error({ err: e, trialId }, "could not record the trial's failure"));
  } finally {
    await scratchDb?.$disconnect().catch(() => undefined);
    await scratch?.drop().catch((err) => log.error({ err, trialId }, "could not drop the trial's scratch database"));
  }
}

const startInputSchema = z.strictObject({
  basedOn: z.number().int().min(1),
  settings: z.unknown(),
  files: z.array(z.string()).min(1, "Pick at least one evaluation file").max(4).optional(),
});

export type StartTrialResult =
  | { ok: true; trialId: string; promise: Promise<void> }
  | { ok: false; error: "invalid_input"; issues: Record<string, string> }
  | { ok: false; error: "stale"; current: number }
  | { ok: false; error: "busy"; trialId: string };

/**
 * Starts a trial of `settings` (a draft edited from version `basedOn`) in the
 * background and returns at once. One trial runs at a time across all processes:
 * each one is CPU-heavy, and a second would only slow the first.
 */
export async function startTrial(
  db: Db,
  source: SettingsSource,
  editor: Editor,
  input: unknown,
  opts: { runner?: (i: TrialRunInput) => Promise<void>; evalDir?: string } = {},
): Promise<StartTrialResult> {
  const parsed = startInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid_input", issues: settingsIssues(parsed.error) };
  const doc = settingsSchema().safeParse(parsed.data.settings);
  if (!doc.success) return { ok: false, error: "invalid_input", issues: settingsIssues(doc.error) };
  const available = evalFiles(opts.evalDir);
  const files = parsed.data.files ?? DEFAULT_TRIAL_FILES.filter((f) => available.includes(f));
  const unknown = files.filter((f) => !available.includes(f));
  if (unknown.length || files.length === 0) return { ok: false, error: "invalid_input", issues: { files: unknown.length ? `No evaluation file ${unknown.join(", ")}` : "No evaluation files found" } };
  const current = await source.current();
  if (current.version !== parsed.data.basedOn) return { ok: false, error: "stale", current: current.version };
  const dir = opts.evalDir ?? path.join(process.cwd(), "eval");
  const cases = files.flatMap((f) => readCases(path.join(dir, f)));

  // Taking the advisory lock and checking for a live trial in one transaction keeps two
  // admins (or two processes) from starting two at once.
  const created = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707371)`;
    const live = await tx.settingsTrial.findFirst({
      where: { status: "running", updatedAt: { gt: new Date(Date.now() - STALE_AFTER_MS) } },
      select: { id: true },
    });
    if (live) return { busy: live.id } as const;
    const row = await tx.settingsTrial.create({
      data: { basedOn: current.version, draft: doc.data as object, files, casesTotal: cases.length * 2, createdById: editor.id },
    });
    return { id: row.id } as const;
  });
  if ("busy" in created) return { ok: false, error: "busy", trialId: created.busy! };
  const promise = (opts.runner ?? runTrial)({ db, trialId: created.id, current: current.settings, draft: doc.data as Settings, cases });
  return { ok: true, trialId: created.id, promise };
}

/** A trial as the page shows it; a running one that stopped reporting is `interrupted`. */
export async function getTrial(db: Db, id: string, now = new Date()): Promise<TrialView | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db.settingsTrial.findUnique({ where: { id } });
  if (!row) return null;
  const interrupted = row.status === "running" && now.getTime() - row.updatedAt.getTime() > STALE_AFTER_MS;
  return {
    id: row.id,
    basedOn: row.basedOn,
    files: row.files,
    status: interrupted ? "interrupted" : row.status,
    casesDone: row.casesDone,
    casesTotal: row.casesTotal,
    result: (row.result as TrialResult | null) ?? null,
    error: row.error,
    createdAt: row.createdAt,
  };
}
