import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "../../test/db";
import { listMigrations, migrate } from "./migrate";
import { diffDatamodels } from "./schema-engine";

// Drift check: the database the migrations build must be exactly the one
// schema.prisma describes. The test database was built by the migrations; the
// schema's own DDL (from Prisma's schema engine) is applied into a side schema of
// the same database; then the two catalogs are compared object by object.

const url = inject("databaseUrl");
const client = new pg.Client({ connectionString: url });

async function catalog(schema: string) {
  const columns = await client.query(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
     ORDER BY 1, 2`,
    [schema],
  );
  const constraints = await client.query(
    `SELECT c.relname AS table, con.conname AS name, con.contype AS kind, pg_get_constraintdef(con.oid) AS def
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname <> '_prisma_migrations'
       -- Constraint triggers (the audit log's seal) are hand-written SQL that schema.prisma cannot express.
       AND con.contype <> 't'
     ORDER BY 1, 2`,
    [schema],
  );
  const indexes = await client.query(
    `SELECT tablename AS table, indexname AS name, replace(indexdef, $1 || '.', '') AS def
     FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY 1, 2`,
    [schema],
  );
  // Defaults and FK targets name the schema only when it is not on the search path.
  const strip = (rows: Record<string, unknown>[]) =>
    rows.map((r) => JSON.parse(JSON.stringify(r).replaceAll(`${schema}.`, "").replaceAll(`"${schema}".`, "")));
  return { columns: strip(columns.rows), constraints: strip(constraints.rows), indexes: strip(indexes.rows) };
}

beforeAll(() => client.connect());
afterAll(() => client.end());

describe("migrations", () => {
  it("build exactly the schema in schema.prisma (no drift)", async () => {
    const ddl = await diffDatamodels(url, null, fs.readFileSync("prisma/schema.prisma", "utf8"));
    expect(ddl).toMatch(/CREATE TABLE "runs"/);
    await client.query("DROP SCHEMA IF EXISTS drift_check CASCADE; CREATE SCHEMA drift_check");
    try {
      await client.query("SET search_path TO drift_check");
      await client.query(ddl.replace(/CREATE SCHEMA IF NOT EXISTS "public";/g, ""));
      await client.query("SET search_path TO public");
      const fromMigrations = await catalog("public");
      const fromSchema = await catalog("drift_check");
      expect(fromMigrations.columns.length).toBeGreaterThan(100);
      expect(fromMigrations).toEqual(fromSchema);
    } finally {
      await client.query("SET search_path TO public");
      await client.query("DROP SCHEMA IF EXISTS drift_check CASCADE");
    }
  });

  it("are recorded like prisma migrate deploy does, and re-running applies nothing", async () => {
    const rows = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    const onDisk = listMigrations();
    expect(rows.rows.map((r) => [r.migration_name, r.checksum])).toEqual(onDisk.map((m) => [m.name, m.checksum]));
    expect(rows.rows.every((r) => r.finished_at !== null)).toBe(true);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
  });

  it("serialise concurrent starts with an advisory lock", async () => {
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(results.flatMap((r) => r.applied)).toEqual([]);
  });
});
