import { isoDay, type Clock } from "../clock";
import type { PolicyNumbers } from "../contracts";
import type { Db, Tx } from "../db/client";
import type { RunLease } from "../db/run-lease";

/**
 * What every tool runs with. The customer is always the authenticated one: no tool
 * takes a customer id as input, and ids belonging to someone else read as missing.
 */
export interface ToolContext {
  /** The client, or a caller's transaction (a review decision runs its approved action inside its own). */
  db: Db | Tx;
  clock: Clock;
  customerId: string;
  /** The run and sub-task this call belongs to; they scope idempotency keys. */
  runId?: string;
  taskId?: string;
  /**
   * The run's executor's lease (owner and epoch): a side effect commits only while it is
   * current (../db/run-lease), so an executor that was replaced changes nothing more.
   * Absent for a reviewer's approved action and for calls outside a run.
   */
  lease?: RunLease;
  /** The run's settings version's policy numbers; without them the version in force applies. */
  policy?: PolicyNumbers;
  /**
   * Aborted when the caller stopped waiting for this call (its worker timed out, the MCP
   * connection closed): the tool then starts no retry and commits no effect.
   */
  signal?: AbortSignal;
}

/** The business date (YYYY-MM-DD) of the context's clock. */
export function today(ctx: Pick<ToolContext, "clock">): string {
  return isoDay(ctx.clock.now());
}
