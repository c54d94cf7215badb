import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";

export interface ScratchDatabase {
  url: string;
  kind: "external" | "embedded";
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database that the caller owns: a new database on the server
 * named by `serverUrl` (DATABASE_URL), or an embedded PostgreSQL in a temp
 * directory. Tests, the evaluation and the benchmark use one so they never touch
 * the app's data.
 */
export async function createScratchDatabase(serverUrl = process.env.DATABASE_URL, prefix = "switchboard_scratch"): Promise<ScratchDatabase> {
  if (serverUrl) {
    const name = `${prefix}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    await migrate(url);
    return {
      url,
      kind: "external",
      async drop() {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const embedded = await startEmbeddedPostgres({ dataDir: dir });
  await migrate(embedded.url);
  return {
    url: embedded.url,
    kind: "embedded",
    async drop() {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
