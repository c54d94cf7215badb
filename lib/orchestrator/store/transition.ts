import { appendAudit } from "../../db/audit";
import type { Tx } from "../../db/client";
import { log } from "../../log";

// The run store is the one writer of run and review state: every status change
// below is a compare-and-set (`updateMany` with the expected status in its where
// clause, then a count check), and each successful one passes through
// `recordTransition`, inside the same transaction as the change.

export type Entity = "run" | "review" | "invocation";

export interface Transition {
  entity: Entity;
  id: string;
  from: string | readonly string[];
  to: string;
  /** Who caused it: a staff email, or this process's lease owner. */
  by?: string | null;
  /** The run the entity belongs to (looked up when not given). */
  runId?: string;
}

async function runIdOf(tx: Tx, t: Transition): Promise<string | null> {
  if (t.entity === "run") return t.id;
  if (t.runId) return t.runId;
  const rows =
    t.entity === "review"
      ? await tx.$queryRaw<Array<{ runId: string }>>`SELECT "runId" FROM review_items WHERE id = ${t.id}`
      : await tx.$queryRaw<Array<{ runId: string }>>`SELECT "runId" FROM worker_invocations WHERE id = ${t.id}`;
  return rows[0]?.runId ?? null;
}

/**
 * The one place every state change of a run, an invocation or a review item is
 * seen, with the transaction that makes it (`tx`): it writes the change's audit
 * entry there, so the entry commits or rolls back with the change.
 */
export async function recordTransition(tx: Tx, t: Transition): Promise<void> {
  log.debug({ entity: t.entity, id: t.id, from: t.from, to: t.to, by: t.by ?? undefined }, "state transition");
  await appendAudit(tx, {
    kind: "transition",
    actor: t.by ? (t.by.includes("@") ? t.by : `system:${t.by}`) : "system",
    runId: await runIdOf(tx, t),
    subject: `${t.entity}:${t.id}`,
    payload: { entity: t.entity, from: t.from, to: t.to },
  });
}
