import { afterAll, inject } from "vitest";
import { createDb, type Db } from "../lib/db/client";
import type { RunLease } from "../lib/db/run-lease";
import { claimRun } from "../lib/orchestrator/store";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";

/** A client on the test run's database; closed after the file. */
export function useTestDb(): Db {
  const db = createDb(inject("databaseUrl"), 5);
  afterAll(() => db.$disconnect());
  return db;
}

/**
 * Restores the demo world and clears every run and settings version (call in
 * beforeEach): each test starts from the default settings, whatever a test before it saved.
 */
export async function resetTestWorld(db: Db) {
  await resetWorld(db, loadWorld(), { ...process.env, SEED_REVIEWER_PASSWORD: "reviewer-demo" });
  // TRUNCATE, not DELETE: versions are immutable to row-level changes (a trigger refuses them).
  await db.$executeRawUnsafe("TRUNCATE settings_versions CASCADE");
}

export { inject };

/** Claims a run as an executor would and returns its lease (for tests that write on a run's behalf without driving it). */
export async function claimForTest(db: Db, runId: string, owner = "test-owner", leaseMs = 60_000): Promise<RunLease> {
  const epoch = await claimRun(db, runId, owner, leaseMs, new Date());
  if (epoch === null) throw new Error(`run ${runId} could not be claimed`);
  return { runId, owner, epoch };
}

/** Polls a run until it leaves queued and running (up to 10 s); the settled row. */
export async function untilRunSettled(db: Db, runId: string) {
  for (let i = 0; i < 200; i++) {
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    if (run.status !== "queued" && run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not settle`);
}
