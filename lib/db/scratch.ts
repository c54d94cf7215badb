import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { log } from "../log";
import { startEmbeddedPostgres } from "./embedded";
import { migrate } from "./migrate";

export interface ScratchDatabase {
  url: string;
  kind: "external" | "embedded";
  drop(): Promise<void>;
}

/** A scratch database that turned out not to be a fresh one of its own: nothing was written to it. */
export class ScratchRefused extends Error {
  override name = "ScratchRefused";
}

/**
 * Whether the server at `url` is an embedded PGlite server. pglite-socket serves one
 * database whatever the URL names: `CREATE DATABASE x` succeeds, but a connection to
 * `/x` lands in the live database. A scratch database can never be made on one.
 */
export async function isEmbeddedServer(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    const { rows } = await c.query<{ v: string }>("SELECT version() AS v");
    return /PGlite|emscripten|wasm32/i.test(rows[0]?.v ?? "");
  } finally {
    await c.end();
  }
}

/**
 * Refuses a database that is not the fresh one its creator asked for: connected to
 * `url`, `current_database()` must be `expectedName` and no table may exist outside
 * PostgreSQL's own schemas. Called before anything is migrated or written, so a
 * mistake (a server that ignores database names, a URL pointing at live data) fails
 * here, loudly, instead of migrating, resetting and writing into someone's data.
 */
export async function assertFreshDatabase(url: string, expectedName: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    const { rows } = await c.query<{ db: string; tables: string }>(
      `SELECT current_database() AS db,
              (SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')) AS tables`,
    );
    const { db, tables } = rows[0];
    if (db !== expectedName) {
      throw new ScratchRefused(`scratch database refused: connected to "${db}", not the "${expectedName}" just created (a server that serves one database whatever the URL names)`);
    }
    if (Number(tables) > 0) throw new ScratchRefused(`scratch database refused: "${db}" already holds ${tables} tables`);
  } finally {
    await c.end();
  }
}

/**
 * A fresh, migrated database that the caller owns, never the app's:
 * - `serverUrl` names a PostgreSQL server: a new database on it;
 * - `serverUrl` names an embedded (PGlite) server, or is null/undefined: an embedded
 *   PostgreSQL of its own, in its own temporary data directory.
 * There is no default: a caller says which server, so no environment variable can
 * quietly turn "scratch" into "live". Tests, the evaluation, the settings trial and the
 * benchmarks use one.
 */
export async function createScratchDatabase(serverUrl: string | null | undefined, prefix = "switchboard_scratch"): Promise<ScratchDatabase> {
  if (serverUrl && !(await isEmbeddedServer(serverUrl))) return createOnServer(serverUrl, prefix);
  return createEmbedded(prefix);
}

async function createOnServer(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const drop = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  try {
    await assertFreshDatabase(url, name);
    await migrate(url);
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { url, kind: "external", drop };
}

const PGLITE_DATABASE = "postgres";

async function createEmbedded(prefix: string): Promise<ScratchDatabase> {
  removeOrphanedDirs(prefix);
  // The pid in the name lets a later scratch remove this directory if this process dies without dropping it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-${process.pid}-`));
  const embedded = await startEmbeddedPostgres({ dataDir: dir });
  const drop = async () => {
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await assertFreshDatabase(embedded.url, PGLITE_DATABASE);
    await migrate(embedded.url);
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { url: embedded.url, kind: "embedded", drop };
}

/** Temporary data directories of embedded scratch databases whose process is gone (killed before it could drop them). */
function removeOrphanedDirs(prefix: string) {
  const pattern = new RegExp(`^${prefix.replace(/[^\w]/g, "\\$&")}-(\\d+)-\\w+$`);
  let entries: string[];
  try {
    entries = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (!pid || pid === process.pid || processExists(pid)) continue;
    try {
      fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    } catch (err) {
      log.warn({ err, dir: entry }, "could not remove an orphaned scratch database directory");
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
