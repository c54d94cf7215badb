import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject, useTestDb } from "../../test/db";
import { createDb, type Db } from "../db/client";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../db/embedded";
import { migrate } from "../db/migrate";
import { jobHeld, JobLeaseLost, withJobLease } from "./lease";
import { enqueueJob, scheduleKey } from "./queue";
import { JobRunner, PermanentJobError, type JobDefinition, type JobOutcome } from "./runner";

// The job runner on the real database, and on the embedded one (PGlite behind
// pglite-socket: one session for every connection, so advisory locks exclude nothing
// and no notification crosses connections; claims must hold by row locks alone).

const pgDb = useTestDb();
let embedded: { server: EmbeddedPostgres; db: Db; dir: string } | null = null;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-jobs-"));
  const server = await startEmbeddedPostgres({ dataDir: dir });
  await migrate(server.url);
  embedded = { server, db: createDb(server.url, 5), dir };
}, 180_000);
afterAll(async () => {
  if (!embedded) return;
  await embedded.db.$disconnect();
  await embedded.server.stop();
  fs.rmSync(embedded.dir, { recursive: true, force: true });
});

const targets = [
  { name: "PostgreSQL", db: () => pgDb, url: () => inject("databaseUrl") },
  { name: "the embedded database", db: () => embedded!.db, url: () => embedded!.server.url },
];

/** Makes every queued job due now (time passing, without waiting for it). */
const makeDue = (db: Db) => db.$executeRaw`UPDATE jobs SET "runAt" = (now() AT TIME ZONE 'UTC') - interval '1 millisecond' WHERE status = 'queued'`;
/** Milliseconds from the database's now to a job's runAt. */
async function dueInMs(db: Db, id: string): Promise<number> {
  const [r] = await db.$queryRaw<Array<{ ms: number }>>`SELECT (EXTRACT(EPOCH FROM ("runAt" - (now() AT TIME ZONE 'UTC'))) * 1000)::float8 AS ms FROM jobs WHERE id = ${id}`;
  return r.ms;
}
const jobRow = (db: Db, id: string) => db.job.findUniqueOrThrow({ where: { id } });

describe.each(targets)("background jobs on $name", (target) => {
  let db: Db;
  beforeEach(async () => {
    db = target.db();
    await db.$executeRaw`DELETE FROM jobs`;
    await db.$executeRaw`DELETE FROM rate_limits WHERE key LIKE 'job-test:%'`;
  });

  it("runs each due job exactly once across three runners claiming at the same time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await enqueueJob(db, { kind: "count", payload: { i } })).id);
    const ran: string[] = [];
    const def: JobDefinition<{ i: number }> = {
      kind: "count",
      run: async ({ job }) => {
        ran.push(job.id);
        await new Promise((r) => setTimeout(r, 5));
      },
    };
    const runners = ["a", "b", "c"].map((n) => new JobRunner({ db, jobs: [def], owner: `runner-${n}:1:0000` }));
    // Four at a time each: rounds until nothing is left.
    for (let round = 0; round < 10 && ran.length < ids.length; round++) await Promise.all(runners.map((r) => r.runDue()));
    expect(ran.sort()).toEqual([...ids].sort());
    const rows = await db.job.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.status === "done" && r.epoch === 1 && r.attempts === 1 && r.leaseOwner === null)).toBe(true);
    // A key makes a job unique.
    const first = await enqueueJob(db, { kind: "count", key: "once" });
    expect(await enqueueJob(db, { kind: "count", key: "once" })).toEqual({ id: first.id, created: false });
  });

  it("retries a failed job after an exponential backoff, and fails it after its last attempt", async () => {
    const outcomes: JobOutcome[] = [];
    const def: JobDefinition = {
      kind: "flaky",
      run: async () => {
        throw new Error("receiver down");
      },
      onSettled: async (_tx, _job, o) => void outcomes.push(o),
    };
    const runner = new JobRunner({ db, jobs: [def], owner: "one:1:0000" });
    const { id } = await enqueueJob(db, { kind: "flaky", maxAttempts: 3 });

    expect((await runner.runDue()).map((r) => r.result)).toEqual(["retry"]);
    expect(await jobRow(db, id)).toMatchObject({ status: "queued", attempts: 1, lastError: "receiver down", leaseOwner: null });
    const first = await dueInMs(db, id);
    expect(first).toBeGreaterThan(3_000);
    expect(first).toBeLessThanOrEqual(5_000);
    // Not due yet: nothing is claimed.
    expect(await runner.runDue()).toEqual([]);

    await makeDue(db);
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["retry"]);
    const second = await dueInMs(db, id);
    expect(second).toBeGreaterThan(8_000);
    expect(second).toBeLessThanOrEqual(10_000);

    await makeDue(db);
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["failed"]);
    const row = await jobRow(db, id);
    expect(row).toMatchObject({ status: "failed", attempts: 3, epoch: 3, lastError: "receiver down" });
    expect(row.finishedAt).not.toBeNull();
    expect(outcomes.map((o) => o.status)).toEqual(["retry", "retry", "failed"]);
    expect(outcomes[2]).toEqual({ status: "failed", error: "receiver down", gaveUp: false });
    expect((outcomes[0] as { nextRunAt: Date }).nextRunAt).toBeInstanceOf(Date);
    await makeDue(db);
    expect(await runner.runDue()).toEqual([]);

    // An error that no retry can mend fails the job at once.
    const permanent = new JobRunner({ db, jobs: [{ kind: "misconfigured", run: async () => { throw new PermanentJobError("no URL configured"); } }] });
    const p = await enqueueJob(db, { kind: "misconfigured", maxAttempts: 5 });
    expect((await permanent.runDue()).map((r) => r.result)).toEqual(["failed"]);
    expect(await jobRow(db, p.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "no URL configured" });
  });

  it("runs a periodic job once per interval with two runners, and keeps the state it returns", async () => {
    const turns: Array<{ owner: string; n: number }> = [];
    const periodic = (owner: string): JobDefinition<{ n?: number }> => ({
      kind: "tick",
      everyMs: 60_000,
      run: async ({ job }) => {
        const n = (job.payload.n ?? 0) + 1;
        turns.push({ owner, n });
        return { payload: { n } };
      },
    });
    const a = new JobRunner({ db, jobs: [periodic("a")], owner: "a:1:0000" });
    const b = new JobRunner({ db, jobs: [periodic("b")], owner: "b:2:0000" });
    await Promise.all([a.ensureSchedules(), b.ensureSchedules()]);
    expect(await db.job.count({ where: { key: scheduleKey("tick") } })).toBe(1);

    await Promise.all([a.runDue(), b.runDue()]);
    expect(turns).toHaveLength(1);
    // Within the interval: neither runs it again, however often they poll.
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(turns).toHaveLength(1);
    const row = await db.job.findUniqueOrThrow({ where: { key: scheduleKey("tick") } });
    expect(row).toMatchObject({ status: "queued", attempts: 0, everyMs: 60_000, payload: { n: 1 } });
    expect(await dueInMs(db, row.id)).toBeGreaterThan(55_000);

    // The interval passes: one more turn, by one runner, carrying on from the stored state.
    await makeDue(db);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(turns.map((t) => t.n)).toEqual([1, 2]);
    // A runner starting later (a restart) finds the schedule as it was.
    const c = new JobRunner({ db, jobs: [periodic("c")], owner: "c:3:0000" });
    await c.ensureSchedules();
    expect(await c.runDue()).toEqual([]);
    expect(await db.job.count({ where: { kind: "tick" } })).toBe(1);
  });

  it("aborts a handler whose lease was taken over, and fences its writes", async () => {
    let wrote!: () => void;
    const firstWrite = new Promise<void>((r) => (wrote = r));
    const seen: { reason?: unknown; single?: number; transaction?: unknown } = {};
    const def: JobDefinition = {
      kind: "slow",
      leaseMs: 300,
      run: async ({ db: d, lease, signal, job }) => {
        await d.$executeRaw`INSERT INTO rate_limits (key, "windowStart", hits) SELECT ${`job-test:${job.id}:1`}, now(), 1 WHERE ${jobHeld(lease)}`;
        wrote();
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener("abort", () => resolve(), { once: true });
          setTimeout(resolve, 10_000);
        });
        seen.reason = signal.reason;
        // Writes after the takeover, the way a stalled process would go on: both refused.
        seen.single = await d.$executeRaw`INSERT INTO rate_limits (key, "windowStart", hits) SELECT ${`job-test:${job.id}:2`}, now(), 1 WHERE ${jobHeld(lease)}`;
        seen.transaction = await withJobLease(d, lease, (tx) => tx.$executeRaw`INSERT INTO rate_limits (key, "windowStart", hits) VALUES (${`job-test:${job.id}:3`}, now(), 1)`).catch((e) => e);
      },
    };
    const runner = new JobRunner({ db, jobs: [def], owner: "slow:1:0000" });
    const { id } = await enqueueJob(db, { kind: "slow" });
    const [settled] = await runner.poll();
    await firstWrite;
    // Another process takes the job over, as if this one had stalled past its lease.
    await db.$executeRaw`UPDATE jobs SET epoch = epoch + 1, "leaseOwner" = 'thief:2:0000', "leaseUntil" = (now() AT TIME ZONE 'UTC') + interval '1 minute' WHERE id = ${id}`;
    expect(await settled).toMatchObject({ id, result: "lease_lost" });
    expect(seen.reason).toBeInstanceOf(JobLeaseLost);
    expect(seen.single).toBe(0);
    expect(seen.transaction).toBeInstanceOf(JobLeaseLost);
    const writes = await db.rateLimit.findMany({ where: { key: { startsWith: `job-test:${id}` } } });
    expect(writes.map((w) => w.key)).toEqual([`job-test:${id}:1`]);
    // Nothing of the stalled attempt was settled: the job is the thief's.
    expect(await jobRow(db, id)).toMatchObject({ status: "running", epoch: 2, leaseOwner: "thief:2:0000" });
  });

  it("takes over at once the job of a process killed with SIGKILL on this machine, and leaves a live owner's alone", async () => {
    const { id } = await enqueueJob(db, { kind: "hang" });
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/job-child.ts")], {
      env: { ...process.env, DATABASE_URL: target.url(), JOB_KIND: "hang", LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, s) => r(s)));
    expect(signal, err).toBe("SIGKILL");
    expect(out.trim()).toBe(`${id} 1`);
    const killed = await jobRow(db, id);
    expect(killed).toMatchObject({ status: "running", epoch: 1, attempts: 1 });
    // Its lease has most of a minute to run, but its owner is certainly dead on this machine.
    expect(await db.$queryRaw<Array<{ live: boolean }>>`SELECT "leaseUntil" > (now() AT TIME ZONE 'UTC') + interval '30 seconds' AS live FROM jobs WHERE id = ${id}`).toEqual([{ live: true }]);
    // Another machine's job under a live lease is not touched.
    const elsewhere = await enqueueJob(db, { kind: "hang" });
    await db.$executeRaw`UPDATE jobs SET status = 'running', epoch = 1, attempts = 1, "leaseOwner" = 'elsewhere:1:abcd:000000000000.1', "leaseUntil" = (now() AT TIME ZONE 'UTC') + interval '1 minute' WHERE id = ${elsewhere.id}`;

    const ran: Array<{ id: string; attempts: number; epoch: number }> = [];
    const runner = new JobRunner({ db, jobs: [{ kind: "hang", run: async ({ job }) => void ran.push({ id: job.id, attempts: job.attempts, epoch: job.epoch }) }] });
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["done"]);
    expect(ran).toEqual([{ id, attempts: 2, epoch: 2 }]);
    expect(await jobRow(db, id)).toMatchObject({ status: "done", attempts: 2, epoch: 2 });
    expect(await jobRow(db, elsewhere.id)).toMatchObject({ status: "running", leaseOwner: "elsewhere:1:abcd:000000000000.1" });
    // Once that lease runs out, it is taken over too.
    await db.$executeRaw`UPDATE jobs SET "leaseUntil" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = ${elsewhere.id}`;
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["done"]);
  }, 60_000);

  it("gives up, without running it again, a job whose process died on each of its starts", async () => {
    const outcomes: JobOutcome[] = [];
    const ran: string[] = [];
    const runner = new JobRunner({
      db,
      jobs: [{ kind: "crashy", run: async ({ job }) => void ran.push(job.id), onSettled: async (_tx, _job, o) => void outcomes.push(o) }],
    });
    const { id } = await enqueueJob(db, { kind: "crashy", maxAttempts: 3 });
    // Its third start's process died: the lease ran out.
    await db.$executeRaw`UPDATE jobs SET status = 'running', attempts = 3, epoch = 3, "leaseOwner" = 'gone:1:0000', "leaseUntil" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = ${id}`;
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["gave_up"]);
    expect(ran).toEqual([]);
    expect(outcomes).toEqual([{ status: "failed", error: "Started 3 times; its process stopped each time.", gaveUp: true }]);
    expect(await jobRow(db, id)).toMatchObject({ status: "failed", attempts: 4, epoch: 4, leaseOwner: null });
  });

  it("on a graceful stop gives its jobs back at once, without counting the start", async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const runner = new JobRunner({
      db,
      pollMs: 20,
      jobs: [{ kind: "long", run: ({ signal }) => new Promise<void>((_, reject) => { started(); signal.addEventListener("abort", () => reject(signal.reason)); }) }],
    });
    const { id } = await enqueueJob(db, { kind: "long" });
    runner.start();
    await running;
    await runner.stop();
    expect(await jobRow(db, id)).toMatchObject({ status: "queued", attempts: 0, epoch: 1, leaseOwner: null });
    expect(await dueInMs(db, id)).toBeLessThanOrEqual(0);
  });
});
