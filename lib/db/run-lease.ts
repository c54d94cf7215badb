import { Prisma } from "../generated/prisma/client";
import type { Tx } from "./client";

// Fencing. A run's lease carries an epoch: `runs.attempts`, raised by every claim in
// the claim's own statement. The executor that made a claim writes on the run's behalf
// only while that epoch is still the run's: each write (an event, a reply part, a tool
// call's row, an invocation's transition, a side effect, a review item, a model call,
// the finish) is refused once a newer claim exists. A process that stalled past its
// lease (stopped, swapped out, a long GC) and was replaced can then write nothing more,
// whatever it was in the middle of.
//
// Two forms, both ordered against claims by row locks (a claim's UPDATE takes the run
// row FOR NO KEY UPDATE):
// - A single statement checks the epoch inside itself (`leaseHeld`, FOR SHARE for the
//   statement's instant, or the event numbering's own UPDATE of the row).
// - A transaction of several statements (a tool's side effect, a worker's success with
//   its review items, a reply part) is marked with its lease (`fenceTransaction`), which
//   checks at once and again at COMMIT: a deferred constraint trigger on every table such
//   a transaction writes takes the run row FOR SHARE and re-reads the epoch (migration
//   20261207190000_fence_at_commit). Nothing is locked before the commit, so a process
//   paused in the middle of a transaction never holds up the claim that replaces it;
//   and a transaction that reaches its COMMIT after that claim is rolled back whole, its
//   side effect with it.

/**
 * What a writer on a run's behalf holds: the run, its own lease owner id, and the epoch
 * its claim got. A reviewer's retry of a failed part (the run waits for review, no
 * executor holds it) writes under the review item's retry lease instead: `reviewId` set,
 * `epoch` the item's `retryEpoch`.
 */
export interface RunLease {
  runId: string;
  owner: string;
  epoch: number;
  reviewId?: string;
}

/** The SQLSTATE the commit-time check raises (a class of our own). */
const LEASE_LOST_SQLSTATE = "SB409";

/** A write on a run's behalf found the run claimed by a newer executor (or finished): it wrote nothing. */
export class LeaseLostError extends Error {
  readonly code = "lease_lost";
  constructor(readonly runId: string, readonly epoch: number) {
    super(`lease_lost: run ${runId} is no longer held under epoch ${epoch}`);
    this.name = "LeaseLostError";
  }
}

/** SQL: true while `lease` is current, for one statement (the row is locked FOR SHARE for that statement's instant). */
export function leaseHeld(lease: RunLease): Prisma.Sql {
  if (lease.reviewId) {
    return Prisma.sql`EXISTS (SELECT 1 FROM review_items WHERE id = ${lease.reviewId} AND "runId" = ${lease.runId} AND "retryEpoch" = ${lease.epoch} AND "retryOwner" = ${lease.owner} AND status = 'pending' AND resolution = 'retrying' FOR SHARE)`;
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM runs WHERE id = ${lease.runId} AND attempts = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running' FOR SHARE)`;
}

/** The transaction-local setting the commit-time trigger reads: `run|<id>|<owner>|<epoch>` or `review|<id>|<owner>|<epoch>`. */
function leaseSetting(lease: RunLease): string {
  return lease.reviewId ? `review|${lease.reviewId}|${lease.owner}|${lease.epoch}` : `run|${lease.runId}|${lease.owner}|${lease.epoch}`;
}

/**
 * Marks the transaction as written under `lease` and checks it now: throws
 * LeaseLostError at once if a newer claim exists, and the transaction is rolled back at
 * COMMIT if one appears meanwhile. Not for a transaction that itself changes the lease
 * (the finish, a retry's decision): those compare-and-set the row instead.
 */
export async function fenceTransaction(tx: Tx, lease: RunLease): Promise<void> {
  const [row] = await tx.$queryRaw<Array<{ held: boolean }>>`
    SELECT set_config('switchboard.lease', ${leaseSetting(lease)}, true) IS NOT NULL AND ${current(lease)} AS held`;
  if (!row?.held) throw new LeaseLostError(lease.runId, lease.epoch);
}

/** SQL: true while `lease` is current, without a lock: inside a transaction marked by fenceTransaction, whose COMMIT checks again. */
export function current(lease: RunLease): Prisma.Sql {
  if (lease.reviewId) {
    return Prisma.sql`EXISTS (SELECT 1 FROM review_items WHERE id = ${lease.reviewId} AND "runId" = ${lease.runId} AND "retryEpoch" = ${lease.epoch} AND "retryOwner" = ${lease.owner} AND status = 'pending' AND resolution = 'retrying')`;
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM runs WHERE id = ${lease.runId} AND attempts = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running')`;
}

/** A LeaseLostError, or the database's refusal at COMMIT (SQLSTATE SB409) however the driver reports it. */
export function isLeaseLost(err: unknown): boolean {
  if (err instanceof LeaseLostError) return true;
  if (typeof err !== "object" || err === null) return false;
  if ((err as { code?: unknown }).code === "lease_lost") return true;
  const text = `${(err as Error).message ?? ""} ${safeJson((err as { meta?: unknown }).meta)} ${safeJson((err as { cause?: unknown }).cause)}`;
  return text.includes(LEASE_LOST_SQLSTATE) || /lease_lost:/.test(text);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v ?? null) ?? "";
  } catch {
    return "";
  }
}
