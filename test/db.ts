import { afterAll, inject } from "vitest";
import { createDb, type Db } from "../lib/db/client";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";

/** A client on the test run's database; closed after the file. */
export function useTestDb(): Db {
  const db = createDb(inject("databaseUrl"), 5);
  afterAll(() => db.$disconnect());
  return db;
}

/** Restores the demo world and clears every run (call in beforeEach). */
export function resetTestWorld(db: Db) {
  return resetWorld(db, loadWorld(), { ...process.env, SEED_REVIEWER_PASSWORD: "reviewer-demo" });
}

export { inject };
