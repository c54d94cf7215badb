import { Prisma } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";

// Fencing for jobs, as for runs (lib/db/run-lease.ts): every claim of a job raises its
// epoch, and a handler writes on the job's behalf only while that epoch, its owner and
// `running` are still the job's. A process that stalled past its lease (stopped,
// swapped out, a long pause) and was replaced then writes nothing more, whatever it
// was in the middle of.

/** What a handler holds: the job, its runner's owner id and the epoch its claim raised. */
export interface JobLease {
  jobId: string;
  owner: string;
  epoch: number;
}

/** A write on a job's behalf found the job claimed again (or settled): it wrote nothing. */
export class JobLeaseLost extends Error {
  readonly code = "job_lease_lost";
  constructor(readonly jobId: string, readonly epoch: number) {
    super(`job_lease_lost: job ${jobId} is no longer held under epoch ${epoch}`);
    this.name = "JobLeaseLost";
  }
}

/**
 * The database's clock as the UTC wall-clock time our `timestamp(3)` columns hold, so
 * that every process (and every session time zone) reads leases and due times alike.
 */
export const DB_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/** SQL: `ms` milliseconds as an interval. */
export function millis(ms: number): Prisma.Sql {
  return Prisma.sql`(${Math.round(ms)}::int * interval '1 millisecond')`;
}

/**
 * SQL: true while `lease` holds, for one statement (`UPDATE x SET … WHERE … AND
 * ${jobHeld(lease)}`). The job row is locked FOR SHARE for that statement's instant, so
 * the statement runs entirely before or after a claim.
 */
export function jobHeld(lease: JobLease): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM jobs WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running' FOR SHARE)`;
}

/**
 * Runs `fn` in a transaction that commits only while `lease` holds: the job row is
 * locked FOR SHARE from the check to the commit, and claims skip locked rows, so no
 * claim takes the job in between (a stalled transaction is ended by the server's idle
 * timeout, lib/db/client.ts). Throws JobLeaseLost, writing nothing, once it is lost.
 */
export async function withJobLease<T>(db: Db, lease: JobLease, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    const held = await tx.$queryRaw<unknown[]>`
      SELECT 1 FROM jobs WHERE id = ${lease.jobId} AND epoch = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running' FOR SHARE`;
    if (held.length === 0) throw new JobLeaseLost(lease.jobId, lease.epoch);
    return fn(tx);
  });
}
