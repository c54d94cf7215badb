import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { settingsIssues, type Settings } from "../contracts";
import { createDb, type Db } from "../db/client";
import { createScratchDatabase, type ScratchDatabase } from "../db/scratch";
import { ensureFirstSettingsVersion, insertSettingsVersion } from "../db/settings-versions";
import { readCases, type EvalCase } from "../eval/cases";
import { evaluateCases, evaluationEngine, type Evaluation } from "../eval/evaluate";
import type { Observed } from "../eval/score";
import { log } from "../log";
import { modelsFromEnv } from "../models/registry";
import { deadLocalOwners, localOwnerPattern, processOwnerId } from "../orchestrator/process-identity";
import { dbSettingsSource, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { settingsSchema, type Editor } from "./admin";

// "Test this change": the evaluation cases run twice on a scratch copy of the world,
// once under the version in force and once under the admin's draft, and the two sets
// of metrics are shown side by side before the admin saves. It runs in the background
// of the app process that started it (a request would time out), holding a lease on
// its row; progress and the result live in settings_trials, which the page polls. If
// that process dies, another app process takes the trial over and runs it again.
// The scratch world is a database of its own (lib/db/scratch.ts): nothing a trial does
// reaches the live database but its own row.

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
  /** 1, or more when another process took the trial over after its own stopped (it starts again from its first case). */
  attempts: number;
  casesDone: number;
  casesTotal: number;
  result: TrialResult | null;
  error: string | null;
  createdAt: Date;
};

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

/** The trial's figures for one pass: the evaluation's own summary, plus escalations and tokens. */
function metrics(cases: EvalCase[], e: Evaluation): TrialMetrics {
  const s = e.summary;
  const escalated = e.observed.filter((o) => o.reviewKinds.length > 0).length;
  return {
    cases: s.cases,
    routingExactMatch: s.routingExactMatch,
    workerPrecision: s.workerPrecision,
    workerRecall: s.workerRecall,
    outOfScopeRecall: s.outOfScopeRecall,
    outcomeAccuracy: s.outcomeAccuracy,
    unsafeActions: s.unsafeActions,
    escalationRate: cases.length ? Math.round((escalated / cases.length) * 1000) / 1000 : 0,
    tokensIn: e.observed.reduce((n, o) => n + o.tokensIn, 0),
    tokensOut: e.observed.reduce((n, o) => n + o.tokensOut, 0),
  };
}

export interface TrialRunInput {
  /** The app's database: the trial row lives there; nothing else is touched. */
  db: Db;
  trialId: string;
  /** The lease owner this process holds the trial under: every write to the row is conditional on it. */
  owner: string;
  current: Settings;
  draft: Settings;
  cases: EvalCase[];
  /** A fresh scratch database (default: one on the app's server, or an embedded one of its own). */
  scratch?: () => Promise<ScratchDatabase>;
  env?: Record<string, string | undefined>;
}

/** A trial's lease: renewed every third of it while the trial runs. */
export const TRIAL_LEASE_MS = 15_000;
/** After this many starts (the first and each takeover after a crash) a trial is given up as interrupted. */
export const TRIAL_MAX_ATTEMPTS = 3;

/** The trial's row was taken over (its lease lapsed while this process stalled) or closed: stop, write nothing more. */
class TrialLeaseLost extends Error {}

/** Writes `data` to the trial's row only while `owner` still holds it. */
async function writeOwned(
  db: Db,
  trialId: string,
  owner: string,
  data: { casesDone?: number; status?: "done" | "failed"; result?: object; error?: string; leaseUntil?: null },
): Promise<void> {
  const r = await db.settingsTrial.updateMany({ where: { id: trialId, owner, status: "running" }, data });
  if (r.count !== 1) throw new TrialLeaseLost(`trial ${trialId} is no longer held by ${owner}`);
}

async function renewTrialLease(db: Db, trialId: string, owner: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE settings_trials SET "leaseUntil" = now() + ${`${TRIAL_LEASE_MS} milliseconds`}::interval, "updatedAt" = now()
    WHERE id = ${trialId} AND owner = ${owner} AND status = 'running'`;
  return n === 1;
}

/**
 * Runs the cases under `current`, then under `draft`, each on a freshly restored world
 * in a scratch database of the trial's own, never the app's (`createScratchDatabase`
 * refuses anything but a fresh database), and stores the metrics of both and the cases
 * whose result changed. Progress is written after every case. The lease is renewed
 * while it runs; if it is lost, the trial stops and writes nothing more (another
 * process runs it again). Never throws: a failure is stored on the trial.
 */
export async function runTrial(input: TrialRunInput): Promise<void> {
  const { db, trialId, owner, cases } = input;
  const env = input.env ?? process.env;
  let scratch: ScratchDatabase | null = null;
  let scratchDb: Db | null = null;
  let lost = false;
  const heartbeat = setInterval(() => {
    renewTrialLease(db, trialId, owner)
      .then((held) => {
        if (!held) lost = true;
      })
      .catch((err) => log.warn({ err, trialId }, "could not renew the trial's lease"));
  }, TRIAL_LEASE_MS / 3);
  heartbeat.unref();
  try {
    scratch = await (input.scratch ?? (() => createScratchDatabase(env.DATABASE_URL, "switchboard_trial")))();
    scratchDb = createDb(scratch.url, 4);
    const world = loadWorld();
    // The simulated latency of the local model only slows the trial down; it changes no metric shown.
    const models = modelsFromEnv({ ...env, LOCAL_MODEL_LATENCY_MS: "0" });
    const deps = evaluationEngine({ db: scratchDb, world, models, settings: dbSettingsSource(scratchDb, () => input.current) });
    const passes: Evaluation[] = [];
    let done = 0;
    for (const pass of ["current", "draft"] as const) {
      // In the scratch database, version 1 is the version in force and version 2 the draft:
      // runs pin the version in force at their claim, exactly as in the app.
      if (pass === "current") await ensureFirstSettingsVersion(scratchDb, input.current);
      else await scratchDb.$transaction((tx) => insertSettingsVersion(tx, { basedOn: 1, settings: input.draft, diff: [], reason: "draft under trial", createdById: "trial", createdByName: "Trial" }));
      passes.push(
        await evaluateCases({
          deps,
          world,
          cases,
          onCase: async () => {
            if (lost) throw new TrialLeaseLost(`trial ${trialId} lost its lease`);
            await writeOwned(db, trialId, owner, { casesDone: ++done });
          },
        }),
      );
    }
    const [cur, dra] = passes;
    const changed: ChangedCase[] = cases
      .map((c, i) => ({ id: c.id, message: c.message, current: describeOutcome(cur.observed[i]), draft: describeOutcome(dra.observed[i]) }))
      .filter((x) => x.current !== x.draft);
    const result: TrialResult = { current: metrics(cases, cur), draft: metrics(cases, dra), changed };
    await writeOwned(db, trialId, owner, { status: "done", result: result as unknown as object, leaseUntil: null });
  } catch (err) {
    if (err instanceof TrialLeaseLost) {
      log.warn({ trialId, owner }, "settings trial stopped: its lease was taken over");
    } else {
      log.error({ err, trialId }, "settings trial failed");
      const message = err instanceof Error ? err.message : String(err);
      await writeOwned(db, trialId, owner, { status: "failed", error: message.slice(0, 500), leaseUntil: null }).catch((e) =>
        log.error({ err: e, trialId }, "could not record the trial's failure"),
      );
    }
  } finally {
    clearInterval(heartbeat);
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

type TrialRunner = (i: TrialRunInput) => Promise<void>;

/** The cases of `files` in the evaluation folder, or the names it does not hold. */
function casesOf(files: string[], dir: string): { cases: EvalCase[] } | { missing: string[] } {
  const available = evalFiles(dir);
  const missing = files.filter((f) => !available.includes(f));
  if (missing.length) return { missing };
  return { cases: files.flatMap((f) => readCases(path.join(dir, f))) };
}

/**
 * Starts a trial of `settings` (a draft edited from version `basedOn`) in the
 * background and returns at once. One trial runs at a time across all processes:
 * each one is CPU-heavy, and a second would only slow the first. A trial whose process
 * died is taken over by another (`resumeAbandonedTrial`); one that nobody has taken over
 * for a whole lease beyond its own is superseded by the new one (marked interrupted).
 */
export async function startTrial(
  db: Db,
  source: SettingsSource,
  editor: Editor,
  input: unknown,
  opts: { runner?: TrialRunner; evalDir?: string; owner?: string } = {},
): Promise<StartTrialResult> {
  const parsed = startInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid_input", issues: settingsIssues(parsed.error) };
  const doc = settingsSchema().safeParse(parsed.data.settings);
  if (!doc.success) return { ok: false, error: "invalid_input", issues: settingsIssues(doc.error) };
  const dir = opts.evalDir ?? path.join(process.cwd(), "eval");
  const files = parsed.data.files ?? DEFAULT_TRIAL_FILES.filter((f) => evalFiles(dir).includes(f));
  if (files.length === 0) return { ok: false, error: "invalid_input", issues: { files: "No evaluation files found" } };
  const read = casesOf(files, dir);
  if ("missing" in read) return { ok: false, error: "invalid_input", issues: { files: `No evaluation file ${read.missing.join(", ")}` } };
  const current = await source.current();
  if (current.version !== parsed.data.basedOn) return { ok: false, error: "stale", current: current.version };
  const owner = opts.owner ?? trialOwner();

  // Taking the advisory lock and checking for a live trial in one transaction keeps two
  // admins (or two processes) from starting two at once.
  const created = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707371)`;
    // Abandoned for a whole lease past its own: no process is taking it over.
    await tx.$executeRaw`
      UPDATE settings_trials SET status = 'interrupted', error = 'Stopped when its server restarted, and superseded by a newer test.', owner = NULL, "leaseUntil" = NULL, "updatedAt" = now()
      WHERE status = 'running' AND ("leaseUntil" IS NULL OR "leaseUntil" < now() - ${`${TRIAL_LEASE_MS} milliseconds`}::interval)`;
    const live = await tx.settingsTrial.findFirst({ where: { status: "running" }, select: { id: true } });
    if (live) return { busy: live.id } as const;
    const row = await tx.settingsTrial.create({
      data: { basedOn: current.version, draft: doc.data as object, files, casesTotal: read.cases.length * 2, createdById: editor.id, owner },
      select: { id: true },
    });
    await tx.$executeRaw`UPDATE settings_trials SET "leaseUntil" = now() + ${`${TRIAL_LEASE_MS} milliseconds`}::interval WHERE id = ${row.id}`;
    return { id: row.id } as const;
  });
  if ("busy" in created) return { ok: false, error: "busy", trialId: created.busy! };
  const promise = (opts.runner ?? runTrial)({ db, trialId: created.id, owner, current: current.settings, draft: doc.data as Settings, cases: read.cases });
  return { ok: true, trialId: created.id, promise };
}

/** The lease owner id of this process's trials (one per process, like the run executor's). */
const g = globalThis as unknown as { [k: symbol]: string | undefined };
const OWNER_KEY = Symbol.for("switchboard.trialOwner");
function trialOwner(): string {
  return (g[OWNER_KEY] ??= processOwnerId());
}

/**
 * Takes over one trial whose process died (its lease ran out, or its owner on this
 * machine is certainly gone) and runs it again from its first case: a trial's result
 * depends only on its draft, its base version and its files, so a rerun gives the
 * result an uninterrupted one would have. After TRIAL_MAX_ATTEMPTS starts it is given up
 * as interrupted (a trial that kills its process every time must not loop). Returns the
 * run's promise, or null when there was nothing to take over.
 */
export async function resumeAbandonedTrial(
  db: Db,
  source: SettingsSource,
  opts: { runner?: TrialRunner; evalDir?: string; owner?: string } = {},
): Promise<{ trialId: string; promise: Promise<void> } | null> {
  const owner = opts.owner ?? trialOwner();
  const local = localOwnerPattern();
  let dead: string[] = [];
  if (local) {
    const owners = await db.$queryRaw<Array<{ owner: string }>>`
      SELECT DISTINCT owner FROM settings_trials WHERE status = 'running' AND owner LIKE ${`${local.host}:%`} AND owner LIKE ${`%:${local.view}`}`;
    dead = deadLocalOwners(owners.map((o) => o.owner), owner);
  }
  const [row] = await db.$queryRaw<Array<{ id: string; basedOn: number; draft: unknown; files: string[]; attempts: number }>>`
    UPDATE settings_trials SET owner = ${owner}, "leaseUntil" = now() + ${`${TRIAL_LEASE_MS} milliseconds`}::interval,
      attempts = attempts + 1, "casesDone" = 0, "updatedAt" = now()
    WHERE id = (
      SELECT id FROM settings_trials
      WHERE status = 'running' AND ("leaseUntil" IS NULL OR "leaseUntil" < now() OR owner = ANY(${dead}::text[]))
      ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id, "basedOn", draft, files, attempts`;
  if (!row) return null;
  const giveUp = (error: string) =>
    db.settingsTrial
      .updateMany({ where: { id: row.id, owner }, data: { status: "interrupted", error, owner: null, leaseUntil: null } })
      .then(() => ({ trialId: row.id, promise: Promise.resolve() }));
  if (row.attempts > TRIAL_MAX_ATTEMPTS) return giveUp(`Stopped ${TRIAL_MAX_ATTEMPTS} times when its server went down. Start it again.`);
  const draft = settingsSchema().safeParse(row.draft);
  const read = casesOf(row.files, opts.evalDir ?? path.join(process.cwd(), "eval"));
  if (!draft.success || "missing" in read) return giveUp("Its draft or evaluation files are no longer valid here. Start it again.");
  const current = await source.version(row.basedOn);
  log.info({ trialId: row.id, attempt: row.attempts }, "settings trial taken over after its process stopped: running it again");
  const promise = (opts.runner ?? runTrial)({ db, trialId: row.id, owner, current: current.settings, draft: draft.data as Settings, cases: read.cases });
  return { trialId: row.id, promise };
}

/** A trial as the page shows it. */
export async function getTrial(db: Db, id: string): Promise<TrialView | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const row = await db.settingsTrial.findUnique({ where: { id } });
  if (!row) return null;
  return {
    id: row.id,
    basedOn: row.basedOn,
    files: row.files,
    status: row.status,
    attempts: row.attempts,
    casesDone: row.casesDone,
    casesTotal: row.casesTotal,
    result: (row.result as TrialResult | null) ?? null,
    error: row.error,
    createdAt: row.createdAt,
  };
}
