import pg from "pg";
import { describe, expect, it } from "vitest";
import { inject, useTestDb } from "../../test/db";
import { InfrastructureError, isDatabaseBusy, isTransientDbError, withTransientRetry } from "./transient";

const db = useTestDb();

describe("transient database errors", () => {
  it("recognises a connection terminated inside a transaction, as Prisma over adapter-pg reports it", async () => {
    // The embedded database has one session and no backends to terminate: there the
    // error is the shape this test recorded from a real server.
    if (!inject("databaseServerUrl")) {
      const recorded = { name: "PrismaClientKnownRequestError", code: "P2010", meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: "57P01", kind: "postgres" } } } };
      expect(isTransientDbError(recorded)).toBe(true);
      return;
    }
    const admin = new pg.Client({ connectionString: inject("databaseUrl") });
    await admin.connect();
    try {
      const err = await db
        .$transaction(async (tx) => {
          const [{ pid }] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
          await admin.query("SELECT pg_terminate_backend($1)", [pid]);
          await tx.$queryRaw`SELECT 1`;
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(isTransientDbError(err)).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it("does not treat data errors as transient", () => {
    expect(isTransientDbError(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isTransientDbError(new Error("Customer not found"))).toBe(false);
    expect(isTransientDbError({ meta: { driverAdapterError: { cause: { originalCode: "23505" } } } })).toBe(false);
    expect(isTransientDbError({ meta: { driverAdapterError: { cause: { originalCode: "40P01" } } } })).toBe(true);
  });

  it("retries a transient failure and gives up with an InfrastructureError", async () => {
    let calls = 0;
    const ok = await withTransientRetry(async () => {
      if (++calls < 3) throw new Error("Connection terminated unexpectedly");
      return "done";
    }, { baseMs: 1 });
    expect([ok, calls]).toEqual(["done", 3]);

    calls = 0;
    const err = await withTransientRetry(async () => {
      calls++;
      throw new Error("Client has encountered a connection error and is not queryable");
    }, { attempts: 3, baseMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfrastructureError);
    expect(calls).toBe(3);

    calls = 0;
    await expect(withTransientRetry(async () => { calls++; throw new Error("invalid plan"); }, { baseMs: 1 })).rejects.toThrow("invalid plan");
    expect(calls).toBe(1);
  });

  it("never retries a transaction Prisma closed for outliving its timeout, nor anything once the caller gave up", async () => {
    const expired = Object.assign(new Error("Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction. The timeout for this transaction was 20000 ms, however 22003 ms passed since the start of the transaction."), { code: "P2028" });
    expect(isTransientDbError(expired)).toBe(false);
    expect(isTransientDbError(Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" }))).toBe(true);

    let calls = 0;
    const gone = new AbortController();
    const err = await withTransientRetry(async () => {
      calls++;
      gone.abort();
      throw new Error("Connection terminated unexpectedly");
    }, { baseMs: 1, signal: gone.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("Connection terminated unexpectedly");
    expect(calls).toBe(1);
  });

  it("calls a transaction that outlived its timeout busy (nothing of it committed), though never retried", async () => {
    // A real one: Prisma rolls the transaction back and answers P2028 at the next query.
    const err = await db
      .$transaction(async (tx) => {
        await tx.$executeRaw`CREATE TABLE busy_probe (id int)`;
        await tx.$executeRaw`SELECT pg_sleep(0.3)`;
        await tx.$executeRaw`INSERT INTO busy_probe VALUES (1)`;
      }, { timeout: 100 })
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("P2028");
    expect(isTransientDbError(err)).toBe(false);
    expect(isDatabaseBusy(err)).toBe(true);
    const [{ probe }] = await db.$queryRaw<Array<{ probe: string | null }>>`SELECT to_regclass('busy_probe')::text AS probe`;
    expect(probe).toBeNull();

    expect(isDatabaseBusy(new InfrastructureError("gave up", new Error("Connection terminated unexpectedly")))).toBe(true);
    expect(isDatabaseBusy(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseBusy(new Error("Customer not found"))).toBe(false);
  });
});
