import type { Db, Tx } from "../db/client";
import { DB_NOW, millis, type JobLease } from "./lease";

// The runner's statements on the jobs table. Each state change is one compare-and-set
// on (id, epoch, leaseOwner, status = 'running'): a runner whose claim was replaced
// changes nothing.

/** A job as its claim returned it. */
export interface ClaimedRow {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  /** Starts of this attempt cycle, this one included. */
  attempts: number;
  maxAttempts: number;
  epoch: number;
  everyMs: number | null;
}

/**
 * Claims, for each kind, up to its room of the jobs that are due: queued with `runAt`
 * passed, or running under a lease that ran out or whose owner is certainly dead
 * (`deadOwners`). One statement for every kind. FOR NO KEY UPDATE SKIP LOCKED: several
 * runners claim at once without waiting on, or double-claiming, a row; a row a handler
 * holds FOR SHARE (./lease.ts) is skipped until its transaction ends. Every claim
 * raises the epoch and counts a start.
 */
export async function claimJobs(
  db: Db,
  opts: { owner: string; kinds: Array<{ kind: string; room: number; leaseMs: number }>; exceptIds: string[]; deadOwners: string[] },
): Promise<ClaimedRow[]> {
  const kinds = opts.kinds.filter((k) => k.room > 0);
  if (kinds.length === 0) return [];
  return db.$queryRaw<ClaimedRow[]>`
    UPDATE jobs j SET status = 'running', "leaseOwner" = ${opts.owner}, "leaseUntil" = ${DB_NOW} + picked.lease * interval '1 millisecond',
      epoch = j.epoch + 1, attempts = j.attempts + 1, "updatedAt" = ${DB_NOW}
    FROM (
      SELECT c.id, r.lease
      FROM unnest(${kinds.map((k) => k.kind)}::text[], ${kinds.map((k) => k.room)}::int[], ${kinds.map((k) => k.leaseMs)}::int[]) AS r(kind, room, lease)
      CROSS JOIN LATERAL (
        SELECT id FROM jobs
        WHERE kind = r.kind AND id <> ALL(${opts.exceptIds}::text[])
          AND ((status = 'queued' AND "runAt" <= ${DB_NOW})
            OR (status = 'running' AND ("leaseUntil" IS NULL OR "leaseUntil" < ${DB_NOW} OR "leaseOwner" = ANY(${opts.deadOwners}::text[]))))
        ORDER BY "runAt", id
        LIMIT r.room
        FOR NO KEY UPDATE SKIP LOCKED
      ) c
    ) picked
    WHERE j.id = picked.id
    RETURNING j.id, j.kind, j.key, j.payload, j.attempts, j."maxAttempts", j.epoch, j."everyMs"`;
}

/** The owners of unexpired job leases recorded under one host and kernel view (`host:pid:nonce:view`). */
export async function liveLocalJobOwners(db: Db, local: { host: string; view: string }): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ owner: string }>>`
    SELECT DISTINCT "leaseOwner" AS owner FROM jobs
    WHERE status = 'running' AND "leaseUntil" >= ${DB_NOW}
      AND "leaseOwner" LIKE ${`${local.host}:%`} AND "leaseOwner" LIKE ${`%:${local.view}`}`;
  return rows.map((r) => r.owner);
}

/** Extends `lease` by `leaseMs` while it holds; false once a newer claim (or a settle) ended it. */
export async function renewJobLease(db: Db, lease: JobLease, leaseMs: number): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE jobs SET "leaseUntil" = ${DB_NOW} + ${millis(leaseMs)}, "updatedAt" = ${DB_NOW}
    WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running'`;
  return n === 1;
}

/** How an attempt ends, as the runner stores it. */
export type Settlement =
  | { kind: "done"; payload?: unknown }
  | { kind: "retry"; error: string; delayMs: number }
  | { kind: "failed"; error: string }
  /** The runner stopped (a graceful shutdown): the job is due again at once, and this start does not count. */
  | { kind: "released" };

/**
 * Stores the end of an attempt under `lease`; returns when the job is due next (a
 * retry, a periodic job's next turn) or null, or `lost` when the lease no longer holds.
 * A periodic job is never done or failed: it is queued for its next turn, one interval
 * after the turn it ran for (or after now, when it fell behind), its attempts back at 0.
 */
export async function settleJob(tx: Tx, lease: JobLease, s: Settlement): Promise<{ nextRunAt: Date | null } | "lost"> {
  const payload = s.kind === "done" && s.payload !== undefined ? JSON.stringify(s.payload) : null;
  const error = s.kind === "retry" || s.kind === "failed" ? s.error.slice(0, 1000) : null;
  let rows: Array<{ runAt: Date; status: string }>;
  if (s.kind === "released") {
    rows = await tx.$queryRaw`
      UPDATE jobs SET status = 'queued', "runAt" = ${DB_NOW}, attempts = attempts - 1, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ${DB_NOW}
      WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running'
      RETURNING "runAt", status::text`;
  } else if (s.kind === "retry") {
    rows = await tx.$queryRaw`
      UPDATE jobs SET status = 'queued', "runAt" = ${DB_NOW} + ${millis(s.delayMs)}, "lastError" = ${error}, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ${DB_NOW}
      WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running'
      RETURNING "runAt", status::text`;
  } else {
    // done or failed: a periodic job goes round again; any other job ends here.
    rows = await tx.$queryRaw`
      UPDATE jobs SET
        status = CASE WHEN "everyMs" IS NOT NULL THEN 'queued'::job_status WHEN ${s.kind} = 'done' THEN 'done'::job_status ELSE 'failed'::job_status END,
        "runAt" = CASE WHEN "everyMs" IS NULL THEN "runAt"
          WHEN "runAt" + "everyMs" * interval '1 millisecond' > ${DB_NOW} THEN "runAt" + "everyMs" * interval '1 millisecond'
          ELSE ${DB_NOW} + "everyMs" * interval '1 millisecond' END,
        attempts = CASE WHEN "everyMs" IS NOT NULL THEN 0 ELSE attempts END,
        payload = coalesce(${payload}::jsonb, payload),
        "lastError" = ${error},
        "finishedAt" = CASE WHEN "everyMs" IS NULL THEN ${DB_NOW} ELSE "finishedAt" END,
        "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ${DB_NOW}
      WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running'
      RETURNING "runAt", status::text`;
  }
  if (rows.length === 0) return "lost";
  return { nextRunAt: rows[0].status === "queued" ? rows[0].runAt : null };
}
