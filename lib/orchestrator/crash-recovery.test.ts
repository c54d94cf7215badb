import { spawn } from "node:child_process";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { joinReplyParts } from "../contracts";
import os from "node:os";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, recoverRuns, startRecoveryLoop } from "./engine";
import { deadLocalOwners, localOwnerPattern, processOwnerId } from "../db/process-identity";
import { createRun, listEvents, listReplyParts } from "./store";

const db = useTestDb();
const MESSAGE = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";

function child(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", path.resolve("test/crash-child.ts")], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

// Every place a process can die between two persisted steps of a 3-worker run whose
// billing part applies an automatic credit, remote-resets a line and upgrades a plan.
// The before_record boundaries fall after a tool's effect committed but before the
// tool call was recorded: only the side-effect ledger knows it happened.
const BOUNDARIES = [
  "claimed",
  "planned",
  "before_record:issue_credit",
  "before_record:remote_reset",
  "before_record:change_plan",
  "after_tool:issue_credit",
  "after_tool:remote_reset",
  "after_tool:change_plan",
  "workers_done",
  "synthesized",
  "finished",
];

// Where a progressive reply can be cut: after its first part is stored, and after the
// second part streamed all its text but before it was stored (the customer read it;
// the resumed run must replace it, not add it again).
const REPLY_BOUNDARIES = ["reply_part:0", "reply_deltas:1", "reply_part:1"];

describe("crash recovery", () => {
  beforeEach(() => resetTestWorld(db));

  it.each(BOUNDARIES)("a run killed at %s completes after restart with every side effect exactly once", async (boundary) => {
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const crashed = await child({ RUN_ID: run.id, CRASH_AT: boundary });
    expect(crashed.signal, crashed.stderr).toBe("SIGKILL");

    const recovered = await child({ MODE: "recover" });
    expect(recovered.code, recovered.stderr).toBe(0);

    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("completed");
    expect(after.step).toBe("finished");
    const credits = await db.credit.findMany({ where: { customerId: "C-1001", runId: run.id } });
    expect(credits.map((c) => c.amountCents)).toEqual([3000]);
    expect(await db.planChange.count({ where: { customerId: "C-1001" } })).toBe(1);
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1001" } })).planId).toBe("gig-1000");
    const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
    expect(ledger.map((l) => l.tool).sort()).toEqual(["change_plan", "issue_credit", "remote_reset"]);
    expect(await db.message.count({ where: { runId: run.id, role: "assistant" } })).toBe(1);
    // The reply describes what this run did, not the state it left behind.
    expect(after.reply).toMatch(/so I've credited \$30\.00 to your account/);
    expect(after.reply).not.toMatch(/already been credited/);
    expect(after.reply).toMatch(/fixed it with a remote reset/);
    expect(after.reply).not.toMatch(/Wi-?Fi/i);
    expect(after.reply).toMatch(/Done: your plan is now/);
    expect(after.reply).not.toMatch(/already on/);
  });

  it.each(REPLY_BOUNDARIES)("a run killed at %s resumes its reply without repeating a part", async (boundary) => {
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const crashed = await child({ RUN_ID: run.id, CRASH_AT: boundary, MODEL_LATENCY_MS: "100" });
    expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
    const before = await listReplyParts(db, run.id);

    const recovered = await child({ MODE: "recover", MODEL_LATENCY_MS: "100" });
    expect(recovered.code, recovered.stderr).toBe(0);

    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("completed");
    const parts = await listReplyParts(db, run.id);
    // What was stored before the crash is kept as it was, and the rest follows once.
    expect(parts.slice(0, before.length)).toEqual(before);
    expect(parts.length).toBeGreaterThan(before.length);
    expect(parts.flatMap((p) => p.taskIds).sort()).toEqual(["t1", "t2", "t3"]);
    expect(after.reply).toBe(joinReplyParts(parts.map((p) => p.text)));
    for (const topic of [/credited \$30\.00/g, /remote reset/g, /your plan is now/g]) expect(after.reply!.match(topic)).toHaveLength(1);
    expect(await db.message.count({ where: { runId: run.id, role: "assistant" } })).toBe(1);
    const events = await listEvents(db, run.id);
    const stored = events.flatMap((e) => (e.type === "reply_part" ? [e.index] : []));
    expect(stored).toEqual(parts.map((p) => p.index));
    // The resumed attempt streams only the parts not stored before the crash.
    const resumedDeltas = events.flatMap((e) => (e.type === "message_delta" && e.attempt === 2 ? [e.part ?? 0] : []));
    expect(Math.min(...resumedDeltas)).toBe(before.length);
    expect(await db.modelCall.count({ where: { runId: run.id, role: "synthesis" } })).toBeGreaterThanOrEqual(parts.length);
  }, 120_000); // two child processes, each loading the app and the local model
});

describe("crash recovery of review requests", () => {
  beforeEach(() => resetTestWorld(db));

  // The process dies right after the billing worker's success is stored. The resumed
  // run reuses that result; the review it asked for must exist, or no one ever sees it.
  it("a run killed after a worker asked for approval still has the review item after restart", async () => {
    const { run } = await createRun(db, { customerId: "C-1002", message: "There's an $85 international roaming charge on my bill. I never turned that on, please remove it." });
    const crashed = await child({ RUN_ID: run.id, CRASH_AT: "worker_succeeded:billing" });
    expect(crashed.signal, crashed.stderr).toBe("SIGKILL");

    const recovered = await child({ MODE: "recover" });
    expect(recovered.code, recovered.stderr).toBe(0);

    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.reply).toMatch(/sent it for review/);
    expect(after.status).toBe("awaiting_review");
    const reviews = await db.reviewItem.findMany({ where: { runId: run.id } });
    expect(reviews.map((r) => [r.kind, r.status])).toEqual([["credit_over_limit", "pending"]]);
    expect(await db.credit.count({ where: { runId: run.id } })).toBe(0);
  });
});

// A process restarted on the same machine does not wait for a dead owner's lease: the
// kernel says the owner's PID is gone (../db/process-identity). A minute-long lease here, so
// a takeover that waited for it could not pass.
describe("fast takeover on the same machine", () => {
  beforeEach(() => resetTestWorld(db));

  it("takes a killed process's run over at once, long before its lease runs out, and completes it once", async () => {
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const crashed = await child({ RUN_ID: run.id, CRASH_AT: "after_tool:remote_reset", LEASE_MS: "60000" });
    expect(crashed.signal, crashed.stderr).toBe("SIGKILL");
    const orphan = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(orphan.status).toBe("running");
    expect(orphan.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);

    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), leaseMs: 60_000 });
    const results = await recoverRuns(deps);
    expect(results).toEqual([{ id: run.id, result: "completed" }]);
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.attempts).toBe(2);
    expect(await db.sideEffect.count({ where: { runId: run.id, tool: "remote_reset" } })).toBe(1);
    expect(after.reply).toMatch(/fixed it with a remote reset/);
  });

  it("takes every run of a dead owner at the first poll, not ten at a time", async () => {
    const gone = `${os.hostname()}:999999:feedbeef:${localOwnerPattern()!.view}`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { run } = await createRun(db, { customerId: `C-10${String(1 + (i % 12)).padStart(2, "0")}`, message: "Which plan am I on right now?" });
      await db.run.update({ where: { id: run.id }, data: { status: "running", attempts: 1, leaseOwner: gone, leaseExpiresAt: new Date(Date.now() + 60_000) } });
      ids.push(run.id);
    }
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), leaseMs: 60_000 });
    const stop = new AbortController();
    // A poll interval no test waits out: only the first poll can claim anything here.
    startRecoveryLoop(deps, stop.signal, { everyMs: 600_000 });
    try {
      await expect.poll(async () => db.run.count({ where: { id: { in: ids }, leaseOwner: { not: gone } } }), { timeout: 10_000 }).toBe(12);
      expect(await db.run.count({ where: { id: { in: ids }, leaseOwner: deps.owner } })).toBe(12);
      await expect.poll(async () => db.run.count({ where: { id: { in: ids }, status: { in: ["queued", "running"] } } }), { timeout: 60_000, interval: 200 }).toBe(0);
    } finally {
      stop.abort();
    }
  });

  it("never takes a run from a live process on this machine, nor from another machine, before the lease runs out", async () => {
    const local = localOwnerPattern();
    expect(local, "this test needs Linux /proc").not.toBeNull();
    const live = `${os.hostname()}:${process.ppid}:feedbeef:${local!.view}`; // the test runner's parent: alive
    const elsewhere = `other-host:999999:feedbeef:${local!.view}`; // no such process here, but not this host
    const otherKernel = `${os.hostname()}:999999:feedbeef:000000000000.1`; // this host name, another kernel view
    const ids: string[] = [];
    for (const owner of [live, elsewhere, otherKernel]) {
      const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
      await db.run.update({ where: { id: run.id }, data: { status: "running", attempts: 1, leaseOwner: owner, leaseExpiresAt: new Date(Date.now() + 60_000) } });
      ids.push(run.id);
    }
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });
    expect(await recoverRuns(deps)).toEqual([]);
    const rows = await db.run.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.leaseOwner)).toEqual([live, elsewhere, otherKernel]);
    // The same live owner's run is taken as soon as its lease runs out.
    await db.run.update({ where: { id: ids[0] }, data: { leaseExpiresAt: new Date(Date.now() - 1) } });
    expect((await recoverRuns(deps)).map((r) => r.id)).toEqual([ids[0]]);
  });
});

describe("lease owner ids", () => {
  it("name this machine's kernel view, and only a gone process on it is dead", () => {
    const self = processOwnerId();
    const [host, pid, , view] = self.split(":");
    expect([host, Number(pid), view]).toEqual([os.hostname(), process.pid, localOwnerPattern()!.view]);
    const earlierIncarnation = `${host}:${process.pid}:00000000:${view}`; // same PID, another owner: a restarted PID 1
    const gone = `${host}:999999:00000000:${view}`;
    const alive = `${host}:${process.ppid}:00000000:${view}`;
    expect(deadLocalOwners([self, earlierIncarnation, gone, alive, "dead:0:repro", `${host}:abc:1:${view}`], self)).toEqual([earlierIncarnation, gone]);
  });
});

