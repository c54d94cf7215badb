import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "../../test/db";
import { appendAudit } from "../db/audit";
import { createDb, type Db } from "../db/client";
import { createScratchDatabase, type ScratchDatabase } from "../db/scratch";
import { redactAuditPayloads } from "./retention";
import { verifyAuditChain } from "./verify";

// Its own database: one test here breaks the chain on purpose.
let scratch: ScratchDatabase;
let db: Db;
beforeAll(async () => {
  scratch = await createScratchDatabase(inject("databaseUrl"), "switchboard_audit");
  db = createDb(scratch.url, 5);
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  await scratch?.drop();
});

const run = promisify(execFile);
async function auditVerifyCli(): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", path.resolve("scripts/audit-verify.ts")], {
      env: { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: "silent" },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function lastEntry() {
  return (await db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } }));
}

describe("audit log", () => {
  it("seals an entry at commit into the chain, and keeps nothing of a rolled-back transaction", async () => {
    await db.$transaction(async (tx) => {
      await appendAudit(tx, { kind: "sign_in", actor: "auditor@switchboard.local", subject: "staff:1", payload: { ok: true } });
      const inside = await tx.auditEntry.findFirstOrThrow({ where: { kind: "sign_in" } });
      expect(inside.seq).toBeNull(); // sealed only when the transaction commits
    });
    const e = await lastEntry();
    expect(e.seq).toBe(1n);
    expect(e.prevHash).toBe("");
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      db.$transaction(async (tx) => {
        await appendAudit(tx, { kind: "sign_in", actor: "x@switchboard.local", payload: null });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEntry.count()).toBe(1);
    await expect(appendAudit(db, { kind: "Not A Kind", actor: "a", payload: {} })).rejects.toThrow();
  });

  it("refuses UPDATE, DELETE and TRUNCATE in the database itself", async () => {
    const e = await lastEntry();
    await expect(db.$executeRaw`UPDATE audit_log SET actor = 'someone-else' WHERE id = ${e.id}`).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.$executeRaw`UPDATE audit_log SET payload = '{"ok":false}'::jsonb WHERE id = ${e.id}`).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.$executeRaw`DELETE FROM audit_log WHERE id = ${e.id}`).rejects.toThrow(/append-only: DELETE/);
    await expect(db.$executeRawUnsafe(`TRUNCATE audit_log`)).rejects.toThrow(/TRUNCATE refused/);
    await expect(db.$executeRaw`UPDATE audit_chain_head SET hash = 'x'`).rejects.toThrow(/refused/);
    // A writer cannot pre-seal an entry either: the seal is the database's.
    await db.$executeRaw`INSERT INTO audit_log (kind, actor, payload, "payloadHash", seq, hash) VALUES ('forged', 'a', '{}', 'x', 999, 'abc')`;
    const forged = await db.auditEntry.findFirstOrThrow({ where: { kind: "forged" } });
    expect(forged.seq).toBe(2n);
    expect(forged.hash).not.toBe("abc");
    expect((await verifyAuditChain({ db })).ok).toBe(true);
  });

  it("keeps one chain, dense and without forks, under concurrent transactions from several processes", async () => {
    const before = await db.auditEntry.count();
    const child = (name: string) =>
      new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, ["--import", "tsx", path.resolve("test/audit-append-child.ts")], {
          env: { ...process.env, DATABASE_URL: scratch.url, COUNT: "25", NAME: name, LOG_LEVEL: "silent" },
          stdio: "inherit",
        });
        p.on("exit", resolve);
      });
    const here = Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        db.$transaction(async (tx) => {
          await appendAudit(tx, { kind: "test_append", actor: "system:main", subject: `main:${i}`, payload: { i } });
        }, { maxWait: 20_000 }),
      ),
    );
    const codes = await Promise.all([child("p1"), child("p2"), child("p3"), here]);
    expect(codes.slice(0, 3)).toEqual([0, 0, 0]);
    const rows = await db.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { seq: true, prevHash: true, hash: true } });
    expect(rows.length).toBe(before + 3 * 50 + 25);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(BigInt(i + 1)); // no gap
      expect(r.prevHash).toBe(i === 0 ? "" : rows[i - 1].hash); // no fork: each links to the one before
    });
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(rows.length);
    const report = await verifyAuditChain({ db, batch: 40 });
    expect(report).toEqual({ ok: true, entries: rows.length, headHash: rows.at(-1)!.hash });
  }, 60_000);

  it("redacts old payloads and still verifies", async () => {
    const n = await redactAuditPayloads({ db, before: new Date(Date.now() + 1000) });
    expect(n).toBeGreaterThan(100);
    expect(await db.auditEntry.count({ where: { payload: { not: null as never } } })).toBe(0);
    expect(await auditVerifyCli()).toMatchObject({ code: 0 });
    const e = await lastEntry();
    expect(e.redactedAt).not.toBeNull();
    expect(e.payloadHash).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("names the altered entry when a row is changed with the protection disabled (audit:verify exits 1)", async () => {
    await db.$transaction(async (tx) => {
      await appendAudit(tx, { kind: "setting_changed", actor: "admin@switchboard.local", subject: "setting:x", payload: { value: 1 } });
      await appendAudit(tx, { kind: "export", actor: "auditor@switchboard.local", subject: "runs:csv", payload: { rows: 3 } });
    });
    const target = await db.auditEntry.findFirstOrThrow({ where: { kind: "setting_changed" } });
    expect(await auditVerifyCli()).toMatchObject({ code: 0 });
    await db.$executeRawUnsafe(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_protect`);
    try {
      await db.$executeRaw`UPDATE audit_log SET payload = '{"value": 2}'::jsonb WHERE id = ${target.id}`;
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_protect`);
    }
    const cli = await auditVerifyCli();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`BROKEN at entry #${target.seq} (id ${target.id})`);
    expect(cli.stderr).toContain("payload does not match");

    // Recomputing the payload hash as well moves the break to the entry's own hash.
    await db.$executeRawUnsafe(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_protect`);
    try {
      await db.$executeRaw`UPDATE audit_log SET "payloadHash" = audit_payload_hash(payload) WHERE id = ${target.id}`;
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_protect`);
    }
    const report = await verifyAuditChain({ db });
    expect(report.ok).toBe(false);
    if (!report.ok) expect(report.broken).toMatchObject({ seq: Number(target.seq), id: String(target.id), reason: "hash" });
  }, 60_000);
});
