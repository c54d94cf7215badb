import "server-only";
import type { Db } from "../client";

// The run reads of the public run API (app/api/runs). The event log itself is read
// through the run store's listEvents (lib/orchestrator/store), its one reader.

/** Who a run belongs to, or null when there is no such run. */
export async function getRunOwner({ db, runId }: { db: Db; runId: string }): Promise<{ customerId: string } | null> {
  return db.run.findUnique({ where: { id: runId }, select: { customerId: true } });
}

const VIEWER_FIELDS = {
  id: true,
  conversationId: true,
  status: true,
  step: true,
  plan: true,
  reply: true,
  tokensIn: true,
  tokensOut: true,
  latencyMs: true,
  createdAt: true,
  finishedAt: true,
} as const;

/** What a run's viewer (its customer or staff) is shown of it: never its input, error or lease. */
export async function getRunForViewer({ db, runId }: { db: Db; runId: string }) {
  return db.run.findUnique({ where: { id: runId }, select: VIEWER_FIELDS });
}

/**
 * Whether a customer exists: a valid token can outlive its customer (a reset demo
 * world), and a run must not be started for one that is gone.
 */
export async function customerExists({ db, customerId }: { db: Db; customerId: string }): Promise<boolean> {
  return (await db.customer.count({ where: { id: customerId } })) > 0;
}

/**
 * Whether `taskId` of `runId` is a worker attempt at work right now, for `customerId`:
 * the run is that customer's and running, and the task has a running invocation. The
 * MCP endpoint attributes side effects to a run only then.
 */
export async function isActiveRunTask({ db, runId, taskId, customerId }: { db: Db; runId: string; taskId: string; customerId: string }): Promise<boolean> {
  const found = await db.workerInvocation.findFirst({
    where: { runId, taskId, status: "running", run: { customerId, status: "running" } },
    select: { id: true },
  });
  return found !== null;
}
