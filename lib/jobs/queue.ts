import type { Db, Tx } from "../db/client";
import { DB_NOW, millis } from "./lease";

// Putting work on the jobs table. A producer stores a job, in its own transaction when
// the job belongs with a change (a settings trial's row and its job commit together),
// and any app process's runner (./runner.ts) claims it. A key makes the job unique: a
// second enqueue under it stores nothing and answers the first job's id.

export interface NewJob {
  kind: string;
  /** At most one job per key, ever (done and failed jobs keep theirs). */
  key?: string;
  payload?: unknown;
  /** Not before this many milliseconds from now (default: at once). */
  delayMs?: number;
  /** Starts before the job is given up (a failed attempt, or its process died). */
  maxAttempts?: number;
}

/** Stores a job; with a key already stored, stores nothing and returns that job's id (`created: false`). */
export async function enqueueJob(db: Db | Tx, job: NewJob): Promise<{ id: string; created: boolean }> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    INSERT INTO jobs (id, kind, key, payload, "runAt", "maxAttempts", "updatedAt")
    VALUES (gen_random_uuid()::text, ${job.kind}, ${job.key ?? null}, ${JSON.stringify(job.payload ?? {})}::jsonb,
      ${DB_NOW} + ${millis(job.delayMs ?? 0)}, ${job.maxAttempts ?? 5}, ${DB_NOW})
    ON CONFLICT (key) DO NOTHING
    RETURNING id`;
  if (rows.length) return { id: rows[0].id, created: true };
  const [existing] = await db.$queryRaw<Array<{ id: string }>>`SELECT id FROM jobs WHERE key = ${job.key ?? null}`;
  return { id: existing.id, created: false };
}

/**
 * A periodic job's row (key `every:<kind>`): created due now if there is none, its
 * interval and attempts brought in line with this process's definition otherwise (a
 * shorter interval also brings its next turn forward). Idempotent: every runner calls it at start.
 */
export async function ensureSchedule(db: Db | Tx, s: { kind: string; everyMs: number; maxAttempts: number }): Promise<void> {
  await db.$executeRaw`
    INSERT INTO jobs (id, kind, key, payload, "runAt", "everyMs", "maxAttempts", "updatedAt")
    VALUES (gen_random_uuid()::text, ${s.kind}, ${scheduleKey(s.kind)}, '{}'::jsonb, ${DB_NOW}, ${s.everyMs}, ${s.maxAttempts}, ${DB_NOW})
    ON CONFLICT (key) DO UPDATE SET "everyMs" = EXCLUDED."everyMs", "maxAttempts" = EXCLUDED."maxAttempts",
      "runAt" = LEAST(jobs."runAt", ${DB_NOW} + ${millis(s.everyMs)}), "updatedAt" = EXCLUDED."updatedAt"
    WHERE jobs."everyMs" IS DISTINCT FROM EXCLUDED."everyMs" OR jobs."maxAttempts" <> EXCLUDED."maxAttempts"`;
}

/** The key of a periodic job's one row. */
export function scheduleKey(kind: string): string {
  return `every:${kind}`;
}

// The runners of this process, so a producer here can have its job claimed at once
// instead of at the next poll. On globalThis: Next.js may load this module more than
// once in one process (docs/ARCHITECTURE.md, "One of each per process").
const RUNNERS = Symbol.for("switchboard.jobRunners");
const g = globalThis as unknown as { [RUNNERS]?: Set<() => void> };

/** The wake-up callbacks of this process's runners. */
export function localRunners(): Set<() => void> {
  return (g[RUNNERS] ??= new Set());
}

/** Asks this process's runners to poll now (call after the enqueueing transaction committed). */
export function wakeJobRunners(): void {
  for (const wake of localRunners()) wake();
}
