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
  const log = opts.log ?? ((m: string) => console.log(m));
  let prepared: PreparedDatabase;
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    log(`[db] using PostgreSQL from DATABASE_URL (${u.hostname}:${u.port || 5432}${u.pathname})`);
    prepared = { url: process.env.DATABASE_URL, kind: "external" };
  } else {
    const dataDir = opts.dataDir ?? ".data/pg";
    const embedded = await startEmbeddedPostgres({ dataDir, port: process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined });
    log(`[db] DATABASE_URL not set: using embedded PostgreSQL (PGlite) with data in ${dataDir}, served at ${embedded.url}`);
    prepared = { url: embedded.url, kind: "embedded", embedded };
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
