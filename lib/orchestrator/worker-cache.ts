import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import type { WorkerResult } from "../contracts";

// Worker results for an identical sub-task over unchanged data. The entry records
// the customer's dataVersion and the world version it was computed from; every
// write to that data bumps a version in the same transaction, so an entry whose
// versions differ is stale and is never served.

/** Keyed on the business day too: quotes and credit windows depend on the date. */
export function cacheKey(worker: string, customerId: string, instruction: string, businessDay: string): string {
  const normalised = instruction.toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(`${worker}\n${customerId}\n${businessDay}\n${normalised}`).digest("hex");
}

/**
 * The cached result an entry holds if it was computed from the data as it is now
 * (`versions`, read with the entry: taskStartState), counting the hit; null otherwise.
 */
export async function takeCachedResult(
  db: Db,
  key: string,
  entry: { result: unknown; dataVersion: number; worldVersion: number } | null,
  versions: { dataVersion: number; worldVersion: number },
): Promise<WorkerResult | null> {
  if (!entry) return null;
  if (entry.dataVersion !== versions.dataVersion || entry.worldVersion !== versions.worldVersion) return null;
  await db.workerCacheEntry.update({ where: { key }, data: { hits: { increment: 1 } } });
  return entry.result as WorkerResult;
}

/** Stores a read-only result against the versions read before the worker ran. */
export async function writeCachedResult(
  db: Db,
  entry: { key: string; worker: string; customerId: string; versions: { dataVersion: number; worldVersion: number }; result: WorkerResult },
) {
  const data = {
    worker: entry.worker,
    customerId: entry.customerId,
    dataVersion: entry.versions.dataVersion,
    worldVersion: entry.versions.worldVersion,
    result: entry.result as object,
    hits: 0,
  };
  await db.workerCacheEntry.upsert({ where: { key: entry.key }, create: { key: entry.key, ...data }, update: data });
}
