import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";

// One fresh database for the whole test run: a new database on the server named by
// DATABASE_URL (dropped afterwards), or an embedded PostgreSQL in a temp directory.
let embedded: EmbeddedPostgres | undefined;
let dropDb: (() => Promise<void>) | undefined;

export default async function setup(project: TestProject) {
  let url: string;
  if (process.env.DATABASE_URL) {
    const name = `switchboard_test_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-test-"));
    embedded = await startEmbeddedPostgres({ dataDir: dir });
    url = embedded.url;
  }
  await migrate(url);
  project.provide("databaseUrl", url);
  return async () => {
    await dropDb?.();
    await embedded?.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
