import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "../../test/db";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { assertFreshDatabase, createScratchDatabase, isEmbeddedServer, ScratchRefused } from "./scratch";

// A scratch database is never the live one. On the embedded server (pglite-socket)
// `CREATE DATABASE x` succeeds but a connection to /x lands in the one live database,
// which is how "Test this change" once migrated, reset and wrote into the app's data.

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("on the embedded server", () => {
  let live: EmbeddedPostgres;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-live-"));
    live = await startEmbeddedPostgres({ dataDir: dir });
    await query(live.url, "CREATE TABLE live_marker (note text); INSERT INTO live_marker VALUES ('live data')");
  }, 120_000);
  afterAll(async () => {
    await live.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is recognised as embedded, and a real server is not", async () => {
    expect(await isEmbeddedServer(live.url)).toBe(true);
    const server = inject("databaseServerUrl");
    if (server) expect(await isEmbeddedServer(server)).toBe(false);
  });

  it("a database created on it is the live one, and the freshness check refuses it", async () => {
    // What the old code did: CREATE DATABASE, then connect to /name.
    await query(live.url, `CREATE DATABASE "would_be_scratch"`);
    const u = new URL(live.url);
    u.pathname = "/would_be_scratch";
    expect(await query<{ note: string }>(u.toString(), "SELECT note FROM live_marker")).toEqual([{ note: "live data" }]);
    await expect(assertFreshDatabase(u.toString(), "would_be_scratch")).rejects.toThrow(ScratchRefused);
    await expect(assertFreshDatabase(u.toString(), "would_be_scratch")).rejects.toThrow(/connected to "postgres", not the "would_be_scratch"/);
  });

  it("a database holding tables is refused even under the expected name", async () => {
    await expect(assertFreshDatabase(live.url, "postgres")).rejects.toThrow(/already holds 1 tables/);
  });

  it("a scratch database made from its URL is an embedded instance of its own, and the live data is untouched", async () => {
    const scratch = await createScratchDatabase(live.url, "switchboard_scratch_test");
    try {
      expect(scratch.kind).toBe("embedded");
      expect(new URL(scratch.url).port).not.toBe(new URL(live.url).port);
      // Migrated, and none of the live tables.
      const tables = (await query<{ t: string }>(scratch.url, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")).map((r) => r.t);
      expect(tables).toContain("runs");
      expect(tables).not.toContain("live_marker");
      await query(scratch.url, "CREATE TABLE scratch_marker (n int)");
    } finally {
      await scratch.drop();
    }
    const liveTables = (await query<{ t: string }>(live.url, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'")).map((r) => r.t);
    expect(liveTables).toEqual(["live_marker"]);
  }, 120_000);

  it("no environment variable turns an absent server into the live one", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = live.url;
    try {
      const scratch = await createScratchDatabase(undefined, "switchboard_scratch_test");
      try {
        expect(scratch.kind).toBe("embedded");
        expect(new URL(scratch.url).port).not.toBe(new URL(live.url).port);
      } finally {
        await scratch.drop();
      }
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  }, 120_000);
});

describe("on the server the suite runs on", () => {
  it("makes a new, empty, migrated database, and refuses one that holds data", async () => {
    // The suite's server (DATABASE_URL), or none when the suite itself runs embedded.
    const server = inject("databaseServerUrl") || null;
    const scratch = await createScratchDatabase(server, "switchboard_scratch_test");
    try {
      expect(scratch.kind).toBe(server ? "external" : "embedded");
      const name = server ? new URL(scratch.url).pathname.slice(1) : "postgres";
      expect((await query<{ db: string }>(scratch.url, "SELECT current_database() AS db"))[0].db).toBe(name);
      await expect(assertFreshDatabase(scratch.url, name)).rejects.toThrow(/already holds/);
    } finally {
      await scratch.drop();
    }
  }, 120_000);
});
