import path from "node:path";
import type { Settings } from "../contracts";
import { createDb, type Db } from "../db/client";
import { createScratchDatabase, type ScratchDatabase } from "../db/scratch";
import { ensureFirstSettingsVersion, insertSettingsVersion } from "../db/settings-versions";
import type { EvalCase } from "../eval/cases";
import { evaluateCases, evaluationEngine, type Evaluation } from "../eval/evaluate";
import { Prisma } from "../generated/prisma/client";
import { DB_NOW, jobHeld, JobLeaseLost, type JobLease } from "../jobs/lease";
import type { JobDefinition } from "../jobs/runner";
import { log } from "../log";
import { modelsFromEnv } from "../models/registry";
import { dbSettingsSource, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { settingsSchema } from "./admin";
import { casesOf, describeOutcome, TRIAL_JOB, TRIAL_LEASE_MS, type ChangedCase, type TrialMetrics, type TrialResult } from "./trial";

// A settings trial as a job (kind settings_trial, one per trial, started by
// `startTrial` in the transaction that stores the trial). The job's lease replaces a
// lease of the trial's own: every write to the trial's row is conditional on the job's
// claim (`jobHeld`: its epoch, owner and `running`), so a process that stalled past its
// lease and was replaced writes nothing more. A start that dies with its process is
// taken over by any runner and runs the trial again from its first case: the result
// depends only on the draft, the base version and the files, so it equals an
// uninterrupted one's. After TRIAL_MAX_ATTEMPTS starts the job is given up and the
// trial reads interrupted (one that kills its process every time must not loop).

/** The trial's figures for one pass: the evaluation's own summary, plus escalations and tokens. */
function metrics(cases: EvalCase[], e: Evaluation): TrialMetrics {
  const s = e.summary;
  const escalated = e.observed.filter((o) => o.reviewKinds.length > 0).length;
  return {
    cases: s.cases,
    turns: s.turns,
    conversations: s.conversations,
    conversationsPassed: s.conversationsPassed,
    turnAccuracy: s.turnAccuracy,
    routingExactMatch: s.routingExactMatch,
    workerPrecision: s.workerPrecision,
    workerRecall: s.workerRecall,
    outOfScopeRecall: s.outOfScopeRecall,
    handoffPrecision: s.handoffPrecision,
    handoffRecall: s.handoffRecall,
    outcomeAccuracy: s.outcomeAccuracy,
    unsafeActions: s.unsafeActions,
    replyProblems: s.replyProblems,
    escalationRate: cases.length ? Math.round((escalated / cases.length) * 1000) / 1000 : 0,
    tokensIn: e.observed.reduce((n, o) => n + o.tokensIn, 0),
    tokensOut: e.observed.reduce((n, o) => n + o.tokensOut, 0),
  };
}

/** Sets `set` on the trial's row while it runs and the job's claim holds; throws JobLeaseLost otherwise. */
async function writeHeld(db: Db, trialId: string, lease: JobLease, set: Prisma.Sql): Promise<void> {
  const n = await db.$executeRaw`UPDATE settings_trials SET ${set}, "updatedAt" = ${DB_NOW} WHERE id = ${trialId} AND status = 'running' AND ${jobHeld(lease)}`;
  if (n !== 1) throw new JobLeaseLost(lease.jobId, lease.epoch);
}

export interface TrialRunInput {
  /** The app's database: the trial row lives there; nothing else is touched. */
  db: Db;
  trialId: string;
  /** The job's claim: every write to the row is conditional on it. */
  lease: JobLease;
  /** Aborted when the claim is lost: the trial stops at its next case. */
  signal: AbortSignal;
  current: Settings;
  draft: Settings;
  cases: EvalCase[];
  /** A fresh scratch database (default: one on the app's server, or an embedded one of its own). */
  scratch?: () => Promise<ScratchDatabase>;
  env?: Record<string, string | undefined>;
}

/**
 * Runs the cases under `current`, then under `draft`, each on a freshly restored world
 * in a scratch database of the trial's own, never the app's (`createScratchDatabase`
 * refuses anything but a fresh database), and stores the metrics of both and the cases
 * whose result changed. Progress is written after every case. If the claim is lost, the
 * trial stops and writes nothing more (another process runs it again). A failure is
 * stored on the trial; only a lost claim throws (JobLeaseLost).
 */
async function runTrial(input: TrialRunInput): Promise<void> {
  const { db, trialId, lease, cases, signal } = input;
  const env = input.env ?? process.env;
  let scratch: ScratchDatabase | null = null;
  let scratchDb: Db | null = null;
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
            if (signal.aborted) throw new JobLeaseLost(lease.jobId, lease.epoch);
            await writeHeld(db, trialId, lease, Prisma.sql`"casesDone" = ${++done}`);
          },
        }),
      );
    }
    const [cur, dra] = passes;
    const changed: ChangedCase[] = cases
      .map((c, i) => ({ id: c.id, message: c.message, current: describeOutcome(cur.observed[i]), draft: describeOutcome(dra.observed[i]) }))
      .filter((x) => x.current !== x.draft);
    const result: TrialResult = { current: metrics(cases, cur), draft: metrics(cases, dra), changed };
    await writeHeld(db, trialId, lease, Prisma.sql`status = 'done', result = ${JSON.stringify(result)}::jsonb`);
  } catch (err) {
    if (err instanceof JobLeaseLost) {
      log.warn({ trialId, jobId: lease.jobId }, "settings trial stopped: its job was taken over");
      throw err;
    }
    log.error({ err, trialId }, "settings trial failed");
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await writeHeld(db, trialId, lease, Prisma.sql`status = 'failed', error = ${message}`).catch((e) =>
      log.error({ err: e, trialId }, "could not record the trial's failure"),
    );
  } finally {
    await scratchDb?.$disconnect().catch(() => undefined);
    await scratch?.drop().catch((err) => log.error({ err, trialId }, "could not drop the trial's scratch database"));
  }
}

/**
 * The settings trial job: each start reads the trial, records the start (its number,
 * progress back to zero) under the claim and runs it (`runTrial`). One at a time per
 * process: a trial is CPU-heavy. `source` gives the base version's settings; the other
 * options are for tests (the cases' folder, the environment, the scratch database).
 */
export function settingsTrialJob(opts: {
  source: SettingsSource;
  evalDir?: string;
  env?: Record<string, string | undefined>;
  scratch?: () => Promise<ScratchDatabase>;
}): JobDefinition<{ trialId: string }> {
  return {
    kind: TRIAL_JOB,
    concurrency: 1,
    leaseMs: TRIAL_LEASE_MS,
    async run({ db, job, lease, signal }) {
      const { trialId } = job.payload;
      const trial = await db.settingsTrial.findUnique({ where: { id: trialId } });
      // Done by an earlier claim that could not settle its job, or superseded: nothing to run.
      if (!trial || trial.status !== "running") return;
      await writeHeld(db, trialId, lease, Prisma.sql`attempts = ${job.attempts}, "casesDone" = 0`);
      if (job.attempts > 1) log.info({ trialId, attempt: job.attempts }, "settings trial taken over after its process stopped: running it again");
      const draft = settingsSchema().safeParse(trial.draft);
      const read = casesOf(trial.files, opts.evalDir ?? path.join(process.cwd(), "eval"));
      if (!draft.success || "missing" in read) {
        await writeHeld(db, trialId, lease, Prisma.sql`status = 'interrupted', error = ${"Its draft or evaluation files are no longer valid here. Start it again."}`);
        return;
      }
      const current = await opts.source.version(trial.basedOn);
      await runTrial({ db, trialId, lease, signal, current: current.settings, draft: draft.data as Settings, cases: read.cases, scratch: opts.scratch, env: opts.env });
    },
    async onSettled(tx, job, outcome) {
      if (outcome.status !== "failed") return;
      // Given up: stopped with its process on every start, or (an error outside the
      // trial's own, which it records itself) failed on its last attempt.
      const error = outcome.gaveUp ? `Stopped ${job.maxAttempts} times when its server went down. Start it again.` : `Could not be run: ${outcome.error}`;
      await tx.$executeRaw`
        UPDATE settings_trials SET status = ${outcome.gaveUp ? "interrupted" : "failed"}::settings_trial_status, error = ${error}, "updatedAt" = ${DB_NOW}
        WHERE id = ${job.payload.trialId} AND status = 'running'`;
    },
  };
}
