import type { Tx } from "../../db/client";
import { log } from "../../log";

// The run store is the one writer of run and review state: every status change
// below is a compare-and-set (`updateMany` with the expected status in its where
// clause, then a count check), and each successful one passes through
// `recordTransition`, inside the caller's transaction when there is one.

export type Entity = "run" | "review" | "invocation";

export interface Transition {
  entity: Entity;
  id: string;
  from: string | readonly string[];
  to: string;
  /** Who caused it: a staff email, or this process's lease owner. */
  by?: string | null;
}

/**
 * The one place every state change of a run or review item is seen, in the same
 * transaction as the change. Today it writes a structured log line; the audit trail
 * writes its hash-chained entry here, with `tx`, so an entry commits or rolls back
 * with the change it records.
 */
export async function recordTransition(_tx: Tx, t: Transition): Promise<void> {
  log.debug({ entity: t.entity, id: t.id, from: t.from, to: t.to, by: t.by ?? undefined }, "state transition");
}
