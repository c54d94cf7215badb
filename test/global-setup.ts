import type { TestProject } from "vitest/node";
import { createScratchDatabase } from "../lib/db/scratch";

// One fresh, migrated database for the whole test run: a new database on the
// server named by DATABASE_URL (dropped afterwards), or an embedded PostgreSQL.
export default async function setup(project: TestProject) {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_test");
  project.provide("databaseUrl", scratch.url);
  project.provide("databaseServerUrl", process.env.DATABASE_URL ?? "");
  return () => scratch.drop();
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The server DATABASE_URL names ("" when the tests run on the embedded database). */
    databaseServerUrl: string;
  }
}
