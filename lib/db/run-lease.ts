import { Prisma } from "../generated/prisma/client";
import type { Db, Tx } from "./client";

// Fencing. A run's lease carries an epoch: `runs.attempts`, raised by every claim in
// the claim's own statement. The executor that made a claim writes on the run's behalf
// only while that epoch is still the run's: each write (an event, a reply part, a tool
// call's row, an invocation's transition, a side effect, a review item, the finish)
// checks it in the same statement or transaction. A process that stalled past its lease
// (stopped, swapped out, a long GC) and was replaced can then write nothing more,
// whatever it was in the middle of.
//
// The check locks the run's row in KEY SHARE mode until the writer commits. Claims lock
// it FOR UPDATE, which waits for (or, with SKIP LOCKED, skips) such a holder: a claim
// never slips between a writer's check and its commit, so a write either commits under
// the epoch it checked or is refused. KEY SHARE does not conflict with the executor's
// own updates of the row (event numbering, lease renewal), so the checks cost no waiting.

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

/** A write on a run's behalf found the run claimed by a newer executor (or finished): it wrote nothing. */
export class LeaseLostError extends Error {
  readonly code = "lease_lost";
  constructor(readonly runId: string, readonly epoch: number) {
    super(`lease_lost: run ${runId} is no longer held under epoch ${epoch}`);
    this.name = "LeaseLostError";
  }
}

/** SQL: true while `lease` is current; as a sub-select of a write, it locks the run's row (KEY SHARE) until that write's transaction ends. */
export function leaseHeld(lease: RunLease): Prisma.Sql {
  if (lease.reviewId) {
    return Prisma.sql`EXISTS (SELECT 1 FROM review_items WHERE id = ${lease.reviewId} AND "runId" = ${lease.runId} AND "retryEpoch" = ${lease.epoch} AND "retryOwner" = ${lease.owner} AND status = 'pending' AND resolution = 'retrying' FOR KEY SHARE)`;
  }
  return Prisma.sql`EXISTS (SELECT 1 FROM runs WHERE id = ${lease.runId} AND attempts = ${lease.epoch} AND "leaseOwner" = ${lease.owner} AND status = 'running' FOR KEY SHARE)`;
}

/** Throws LeaseLostError unless `lease` is current; inside a transaction the check holds until its commit. */
export async function assertLeaseHeld(db: Db | Tx, lease: RunLease): Promise<void> {
  const [row] = await db.$queryRaw<Array<{ held: boolean }>>`SELECT ${leaseHeld(lease)} AS held`;
  if (!row?.held) throw new LeaseLostError(lease.runId, lease.epoch);
}

export function isLeaseLost(err: unknown): boolean {
  return err instanceof LeaseLostError || (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "lease_lost");
}
