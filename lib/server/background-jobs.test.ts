import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { JobRunner } from "../jobs/runner";
import { settingsSourceFor } from "../orchestrator/settings";
import { backgroundJobs } from "./background-jobs";

// What an app process's runner runs: the periodic chores that were setInterval loops
// (and the recovery loop's sweep), once per interval across every process.

const db = useTestDb();

describe("an app process's background jobs", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    await db.job.deleteMany();
  });

  it("schedule the periodic chores once for all processes and run them", async () => {
    const jobs = backgroundJobs({ settings: settingsSourceFor(db), env: {} });
    expect(jobs.map((j) => [j.kind, j.everyMs ?? null])).toEqual([
      ["settings_trial", null],
      ["webhook", null],
      ["usage_anomalies", 10_000],
      ["rate_limit_pruning", 3_600_000],
      ["audit_retention", 3_600_000],
      ["invocation_sweep", 20_000],
    ]);
    // A worker attempt a finished run's claim had to skip, and a counter whose window ended days ago.
    const conversation = await db.conversation.create({ data: { customerId: "C-1001" } });
    const run = await db.run.create({ data: { conversationId: conversation.id, customerId: "C-1001", input: "x", status: "completed", finishedAt: new Date() } });
    const stuck = await db.workerInvocation.create({ data: { runId: run.id, taskId: "t1", worker: "billing", attempt: 1, status: "running", input: {} } });
    await db.rateLimit.create({ data: { key: "runs:customer:C-1001", windowStart: new Date(Date.now() - 3 * 86_400_000), hits: 3 } });

    // Two processes start: one row per chore, each run once.
    const [a, b] = ["a:1:0000", "b:2:0000"].map((owner) => new JobRunner({ db, owner, jobs: backgroundJobs({ settings: settingsSourceFor(db), env: {} }) }));
    const settled = (await Promise.all([a.runDue(), b.runDue()])).flat();
    expect(settled.map((s) => `${s.kind}:${s.result}`).sort()).toEqual(["audit_retention:done", "invocation_sweep:done", "rate_limit_pruning:done", "usage_anomalies:done"]);
    expect(await db.job.count()).toBe(4);
    expect(await db.job.count({ where: { status: "queued", epoch: 1, attempts: 0 } })).toBe(4);
    expect(await db.workerInvocation.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({ status: "lease_lost" });
    expect(await db.rateLimit.count({ where: { key: "runs:customer:C-1001" } })).toBe(0);
    expect((await Promise.all([a.runDue(), b.runDue()])).flat()).toEqual([]);
  });
});
