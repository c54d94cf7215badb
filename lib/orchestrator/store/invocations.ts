import type { InvocationStatus, Prisma } from "../../generated/prisma/client";
import type { Db, Tx } from "../../db/client";
import type { SubTask, WorkerResult } from "../../contracts";
import { recordTransition } from "./transition";

// Worker invocations: one row per attempt of one worker on one sub-task.

export function lastSucceededInvocation(db: Db, runId: string, taskId: string) {
  return db.workerInvocation.findFirst({ where: { runId, taskId, status: "succeeded" }, orderBy: { attempt: "desc" } });
}

export async function lastAttemptNumber(db: Db, runId: string, taskId: string): Promise<number> {
  return (await db.workerInvocation.aggregate({ where: { runId, taskId }, _max: { attempt: true } }))._max.attempt ?? 0;
}

export function startInvocation(db: Db, input: { runId: string; task: SubTask; attempt: number }) {
  return db.workerInvocation.create({
    data: { runId: input.runId, taskId: input.task.id, worker: input.task.worker, attempt: input.attempt, status: "running", input: input.task as object },
  });
}

/** A cache hit is an attempt that succeeded at once, without a model. */
export function recordCachedInvocation(db: Db, input: { runId: string; task: SubTask; attempt: number; result: WorkerResult }) {
  return db.workerInvocation.create({
    data: {
      runId: input.runId, taskId: input.task.id, worker: input.task.worker, attempt: input.attempt, status: "succeeded",
      input: input.task as object, output: input.result as object, confidence: input.result.confidence,
      cacheHit: true, model: "cache", latencyMs: 0, finishedAt: new Date(),
    },
  });
}

/** running → succeeded | failed | timed_out, once. */
export async function finishInvocation(
  db: Db | Tx,
  id: string,
  status: Exclude<InvocationStatus, "running">,
  data: Omit<Prisma.WorkerInvocationUpdateManyMutationInput, "status"> = {},
): Promise<boolean> {
  const r = await db.workerInvocation.updateMany({ where: { id, status: "running" }, data: { ...data, status, finishedAt: new Date() } });
  if (r.count === 1) await recordTransition(db, { entity: "invocation", id, from: "running", to: status });
  return r.count === 1;
}
