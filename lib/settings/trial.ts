import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { settingsIssues } from "../contracts";
import type { Db, Tx } from "../db/client";
import { readCases, type EvalCase } from "../eval/cases";
import type { Observed } from "../eval/score";
import { Prisma } from "../generated/prisma/client";
import { DB_NOW, millis } from "../jobs/lease";
import { enqueueJob, wakeJobRunners } from "../jobs/queue";
import type { SettingsSource } from "../orchestrator/settings";
import { settingsSchema, type Editor } from "./admin";

// "Test this change": the evaluation cases run twice on a scratch copy of the world,
// once under the version in force and once under the admin's draft, and the two sets
// of metrics are shown side by side before the admin saves. Starting one stores its
// row and its job in one transaction and returns (a request would time out); any app
// process's job runner runs it (./trial-job.ts), under the job's lease: if that process
// dies, another takes the job over and runs the trial again. Progress and the result
// live in settings_trials, which the page polls. The scratch world is a database of its
// own (lib/db/scratch.ts): nothing a trial does reaches the live database but its own
// row (and its job's).

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
  /** The files' entries, a conversation once; every other count is over turns. */
  cases: number;
  turns: number;
  conversations: number;
  conversationsPassed: number;
  /** Turns whose routing and stated outcomes hold (a single case is one turn). */
  turnAccuracy: number;
  routingExactMatch: number;
  workerPrecision: number;
  workerRecall: number;
  outOfScopeRecall: number;
  /** Of the runs that handed off, those whose case asks for it; of the cases that ask, those handed off. */
  handoffPrecision?: number;
  handoffRecall?: number;
  outcomeAccuracy: number;
  unsafeActions: number;
  /** Turns whose reply a careful person would not have written (lib/eval/reply-check.ts). */
  replyProblems: number;
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

/** A trial's lease (its job's): renewed every third of it while the trial runs. */
export const TRIAL_LEASE_MS = 15_000;
/** After this many starts (the first and each takeover after a crash) a trial is given up as interrupted. */
export const TRIAL_MAX_ATTEMPTS = 3;
/** The job kind trials run as (./trial-job.ts); a trial's job has the key `settings_trial:<id>`. */
export const TRIAL_JOB = "settings_trial";

/** The key of a trial's job. */
export function trialJobKey(trialId: string): string {
  return `${TRIAL_JOB}:${trialId}`;
}

const startInputSchema = z.strictObject({
  basedOn: z.number().int().min(1),
  settings: z.unknown(),
  files: z.array(z.string()).min(1, "Pick at least one evaluation file").max(4).optional(),
});

export type StartTrialResult =
  | { ok: true; trialId: string }
  | { ok: false; error: "invalid_input"; issues: Record<string, string> }
  | { ok: false; error: "stale"; current: number }
  | { ok: false; error: "busy"; trialId: string };

/** The cases of `files` in the evaluation folder, or the names it does not hold. */
export function casesOf(files: string[], dir: string): { cases: EvalCase[] } | { missing: string[] } {
  const available = evalFiles(dir);
  const missing = files.filter((f) => !available.includes(f));
  if (missing.length) return { missing };
  return { cases: files.flatMap((f) => readCases(path.join(dir, f))) };
}

/**
 * Stores a trial of `settings` (a draft edited from version `basedOn`) with its job, in
 * one transaction, wakes this process's job runner and returns at once. One trial runs
 * at a time across all processes: each one is CPU-heavy, and a second would only slow
 * the first. A trial whose job nobody has taken up for a whole lease past its due time
 * or its lease (no runner left to run it) is superseded by the new one (interrupted).
 */
export async function startTrial(db: Db, source: SettingsSource, editor: Editor, input: unknown, opts: { evalDir?: string } = {}): Promise<StartTrialResult> {
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

  // Taking the advisory lock and checking for a live trial in one transaction keeps two
  // admins (or two processes) from starting two at once.
  const created = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707371)`;
    await supersedeAbandonedTrials(tx);
    const live = await tx.settingsTrial.findFirst({ where: { status: "running" }, select: { id: true } });
    if (live) return { busy: live.id } as const;
    const row = await tx.settingsTrial.create({
      data: { basedOn: current.version, draft: doc.data as object, files, casesTotal: read.cases.length * 2, createdById: editor.id },
      select: { id: true },
    });
    await enqueueJob(tx, { kind: TRIAL_JOB, key: trialJobKey(row.id), payload: { trialId: row.id }, maxAttempts: TRIAL_MAX_ATTEMPTS });
    return { id: row.id } as const;
  });
  if ("busy" in created) return { ok: false, error: "busy", trialId: created.busy! };
  wakeJobRunners();
  return { ok: true, trialId: created.id };
}

/**
 * Trials nobody is running or will run: their job has waited a whole lease past its due
 * time, or its lease ran out a whole lease ago (no runner took it over), or it is gone
 * or settled while the trial still says running. Each is marked interrupted with its
 * reason, and its job failed, so a runner that turns up late does not run it anyway.
 */
async function supersedeAbandonedTrials(tx: Tx): Promise<void> {
  const stale = Prisma.sql`${DB_NOW} - ${millis(TRIAL_LEASE_MS)}`;
  await tx.$executeRaw`
    WITH abandoned AS (
      UPDATE jobs SET status = 'failed', "lastError" = 'superseded by a newer test', "leaseOwner" = NULL, "leaseUntil" = NULL,
        "finishedAt" = ${DB_NOW}, "updatedAt" = ${DB_NOW}
      WHERE kind = ${TRIAL_JOB}
        AND ((status = 'queued' AND "runAt" < ${stale}) OR (status = 'running' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${stale})))
      RETURNING key
    )
    UPDATE settings_trials t SET status = 'interrupted', error = 'Stopped when its server restarted, and superseded by a newer test.', "updatedAt" = ${DB_NOW}
    WHERE t.status = 'running' AND (
      ('settings_trial:' || t.id) IN (SELECT key FROM abandoned)
      OR NOT EXISTS (SELECT 1 FROM jobs j WHERE j.key = 'settings_trial:' || t.id AND j.status IN ('queued', 'running')))`;
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
