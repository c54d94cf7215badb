import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, recoverRuns } from "./engine";
import { driveRun, startRun } from "./run-executor";
import { claimRun, createRun, listEvents, sweepAbandonedInvocations } from "./store";

// Fencing (../db/run-lease). A run's executor writes only while the epoch its claim got
// is still the run's; these tests make an executor outlive its lease in the ways a
// production process does, and check that nothing it does afterwards lands.

const db = useTestDb();
const MESSAGE = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";

type Child = { pid: number; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function child(env: Record<string, string>): Child {
  const p = spawn(process.execPath, ["--import", "tsx", path.resolve("test/crash-child.ts")], {
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  return { pid: p.pid!, stdout: () => out, stderr: () => err, exited: new Promise((r) => p.on("exit", (code, signal) => r({ code, signal }))) };
}

/** Whether the kernel has the process stopped (state T in /proc/<pid>/stat). */
function isStopped(pid: number): boolean {
  try {
    return /^\d+ \(.*\) T /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every row the run owns, counted, and its events: what a fenced-off writer must not add to. */
async function footprint(runId: string) {
  const [events, invocations, toolCalls, modelCalls, replyParts, reviews, effects, messages] = await Promise.all([
    listEvents(db, runId),
    db.workerInvocation.findMany({ where: { runId }, select: { id: true, status: true } }),
    db.toolCall.count({ where: { runId } }),
    db.modelCall.count({ where: { runId } }),
    db.replyPart.count({ where: { runId } }),
    db.reviewItem.count({ where: { runId } }),
    db.sideEffect.count({ where: { runId } }),
    db.message.count({ where: { runId } }),
  ]);
  return { events: events.map((e) => `${e.seq}:${e.type}`), invocations: invocations.map((i) => `${i.id}:${i.status}`).sort(), toolCalls, modelCalls, replyParts, reviews, effects, messages };
}

// Where a process can be paused between two writes of a 3-worker run with three effects:
// right after a tool's effect committed (before its row), after a tool's row, after a
// worker's success, and after the first reply part. (Before the workers and before the
// finish the heartbeat's failed renewal stops a continued process before its next write
// even without fencing, so those add nothing here.)
const STOPS = ["before_record:issue_credit", "after_tool:remote_reset", "worker_succeeded:billing", "reply_part:0"];

let stopChild = () => {};

describe("a process paused past its lease", () => {
  beforeEach(() => resetTestWorld(db));

  it.each(STOPS)("stopped at %s, replaced, then continued: it writes nothing more and every effect happened once", async (stop) => {
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    onTestFinished(() => stopChild());
    // The child claims the run (a 1 s lease) and stops itself at the boundary.
    const paused = child({ RUN_ID: run.id, STOP_AT: stop, LEASE_MS: "1000" });
    stopChild = () => {
      // Never leave a stopped process behind (it holds connections and locks).
      try {
        process.kill(paused.pid, "SIGKILL");
      } catch {
        /* gone already */
      }
    };
    await until(`the child to stop at ${stop}`, () => isStopped(paused.pid) || paused.stdout().includes("result:"));
    expect(paused.stdout(), paused.stderr()).toContain(`stopped:${stop}`);

    // Its lease runs out (the process exists, so nobody takes it sooner); another executor takes the run over and finishes it.
    // If the stop caught it inside a transaction, the server ends that transaction (idle
    // in transaction) and its locks go with it: the claim may have to wait for that.
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), leaseMs: 1_000 });
    let recovered: Awaited<ReturnType<typeof recoverRuns>> = [];
    await until("the run to be taken over", async () => (recovered = await recoverRuns(deps)).length > 0, 30_000);
    expect(recovered).toEqual([{ id: run.id, result: "completed" }]);
    // An attempt whose row the stopped process still had locked (stopped inside a
    // transaction) is skipped by the finish and closed by the periodic sweep once the
    // server has ended that transaction (idle in transaction, 10 s): as the job would.
    await until("no attempt of the run left running", async () => {
      await sweepAbandonedInvocations(db);
      return (await db.workerInvocation.count({ where: { runId: run.id, status: "running" } })) === 0;
    }, 30_000);
    const finished = await footprint(run.id);
    expect(finished.events.at(-1)).toMatch(/:run_finished$/);

    // The paused process continues: everything it tries is refused, and it stops.
    process.kill(paused.pid, "SIGCONT");
    const exit = await paused.exited;
    expect(exit.code, paused.stderr()).toBe(0);
    expect(paused.stdout()).toContain("result:lease_lost");
    expect(await footprint(run.id)).toEqual(finished);

    // Every effect once, the reply about them, and no attempt left looking like work in progress.
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect([after.status, after.attempts]).toEqual(["completed", 2]);
    expect((await db.credit.findMany({ where: { runId: run.id } })).map((c) => c.amountCents)).toEqual([3000]);
    expect(await db.planChange.count({ where: { customerId: "C-1001" } })).toBe(1);
    expect((await db.sideEffect.findMany({ where: { runId: run.id } })).map((e) => e.tool).sort()).toEqual(["change_plan", "issue_credit", "remote_reset"]);
    expect(finished.invocations.filter((i) => i.endsWith(":running"))).toEqual([]);
    expect(after.reply).toMatch(/credited \$30\.00/);
    expect(after.reply).toMatch(/your plan is now/);
  }, 120_000);
});

describe("one process, one set of runs being driven", () => {
  beforeEach(() => resetTestWorld(db));

  it("a second instance of the run executor module (a Next.js build loads it several times) sees the runs the first one drives", async () => {
    // Vite gives a module imported under another query string an instance of its own,
    // as a Next.js build does for its instrumentation, route and server-rendering chunks.
    const instance = "./run-executor?instance=route";
    const other = (await import(/* @vite-ignore */ instance)) as typeof import("./run-executor");
    const mine = await import("./run-executor");
    expect(other).not.toBe(mine);
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(200) });
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const driving = other.startRun(deps, run.id);
    await until("the run to be claimed", async () => (await db.run.findUniqueOrThrow({ where: { id: run.id } })).status === "running");
    expect(mine.runsDrivenBy(deps.owner)).toEqual([run.id]);
    // So the recovery loop, in whichever instance, never claims it a second time, even once its lease lapses.
    await db.run.update({ where: { id: run.id }, data: { leaseExpiresAt: new Date(0) } });
    expect(await recoverRuns(deps)).toEqual([]);
    expect(await driving).toBe("completed");
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).attempts).toBe(1);
    expect(mine.runsDrivenBy(deps.owner)).toEqual([]);
  }, 60_000);

  it("of two drives of one run, only the one holding the newest claim writes", async () => {
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(150), leaseMs: 60_000 });
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const first = startRun(deps, run.id);
    await until("the first drive to plan", async () => (await db.run.findUniqueOrThrow({ where: { id: run.id } })).step !== "created");
    // A second claim of the same run while the first drive is alive (its lease made to look lapsed).
    await db.run.update({ where: { id: run.id }, data: { leaseExpiresAt: new Date(0) } });
    const epoch = await claimRun(db, run.id, deps.owner, 60_000, new Date());
    expect(epoch).toBe(2);
    const second = driveRun(deps, run.id, epoch!);
    expect(await first).toBe("lease_lost");
    expect(await second).toBe("completed");
    const events = await listEvents(db, run.id);
    expect(events.filter((e) => e.type === "run_finished")).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("run_finished");
    expect((await db.credit.findMany({ where: { runId: run.id } })).map((c) => c.amountCents)).toEqual([3000]);
    expect(await db.workerInvocation.count({ where: { runId: run.id, status: "running" } })).toBe(0);
  }, 60_000);
});
