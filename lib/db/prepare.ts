import fs from "node:fs";
import pg from "pg";
import { log as rootLog } from "../log";
import { loadWorld } from "../world/fixture";
import { createDb } from "./client";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";
import { seedIfEmpty } from "./seed";

export interface PreparedDatabase {
  url: string;
  kind: "external" | "embedded";
  embedded?: EmbeddedPostgres;
}

/**
 * Chooses the database (DATABASE_URL, else an embedded PostgreSQL under .data/),
 * migrates it and seeds the demo world on first start.
 */
export async function prepareDatabase(opts: { dataDir?: string; log?: (m: string) => void } = {}): Promise<PreparedDatabase> {
  const log = opts.log ?? ((m: string) => rootLog.info(m));
  let prepared: PreparedDatabase;
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    log(`[db] using PostgreSQL from DATABASE_URL (${u.hostname}:${u.port || 5432}${u.pathname})`);
    prepared = { url: process.env.DATABASE_URL, kind: "external" };
  } else {
    const dataDir = opts.dataDir ?? process.env.SWITCHBOARD_DATA_DIR ?? ".data/pg";
    const running = await runningEmbeddedUrl(dataDir);
    if (running) {
      // PGlite's data directory belongs to one process: share the app's server instead.
      log(`[db] DATABASE_URL not set: attaching to the running app's embedded PostgreSQL at ${running}`);
      prepared = { url: running, kind: "embedded" };
    } else {
      const embedded = await startEmbeddedPostgres({ dataDir, port: process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined });
      log(`[db] DATABASE_URL not set: using embedded PostgreSQL (PGlite) with data in ${dataDir}, served at ${embedded.url}`);
      const marker = `${dataDir}.server.json`;
      fs.writeFileSync(marker, JSON.stringify({ url: embedded.url, pid: process.pid }));
      const stop = embedded.stop;
      embedded.stop = async () => {
        fs.rmSync(marker, { force: true });
        await stop();
      };
      prepared = { url: embedded.url, kind: "embedded", embedded };
    }
  }
  const m = await migrate(prepared.url);
  log(`[db] migrations: ${m.applied.length} applied, ${m.alreadyApplied} already present`);
  const db = createDb(prepared.url, 2);
  try {
    const seeded = await seedIfEmpty(db, loadWorld());
    log(seeded ? "[db] seeded the demo world from fixtures/world.json" : "[db] demo world already present");
  } finally {
    await db.$disconnect();
  }
  return prepared;
}

/** The URL of an embedded server another live process is serving for `dataDir`, if any. */
async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const marker = `${dataDir}.server.json`;
  if (!fs.existsSync(marker)) return null;
  try {
    const { url, pid } = JSON.parse(fs.readFileSync(marker, "utf8")) as { url: string; pid: number };
    process.kill(pid, 0); // throws when that process is gone
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    await c.connect();
    await c.end();
    return url;
  } catch {
    fs.rmSync(marker, { force: true });
    return null;
  }
}
