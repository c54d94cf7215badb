import { spawn } from "node:child_process";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { inject, resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { workers } from "../workers/registry";
import { createEngine, recoverRuns, submitMessage } from "./engine";
import { claimReview } from "./review-decisions";
import { resumeAbandonedRetries, retryReview } from "./review-retry";
import { hangingModel } from "../models/scripted";

const db = useTestDb();
const ROLES = ["reviewer", "admin"] as const;
const SLOW = "My internet has been really slow all week, can you check my line?";

/** An engine whose technical-support worker hangs (and times out) or answers. */
const engine = (hangs: boolean) =>
  createEngine({
    db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), retryBackoffMs: 10,
    models: hangs ? { ...localModels(0), tech_support: hangingModel } : localModels(0),
    workers: hangs ? { ...workers, tech_support: { ...workers.tech_support, timeoutMs: 300 } } : workers,
  });

async function failedPart() {
  const { run, done } = await submitMessage(engine(true), { customerId: "C-1001", message: SLOW });
  expect(await done).toBe("awaiting_review");
  const review = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "worker_failure" } });
  const riley = await db.staffUser.findUniqueOrThrow({ where: { email: "reviewer@switchboard.local" }, select: { id: true, email: true, name: true } });
  return { run, review, riley };
}

describe("retrying a failed worker's part", () => {
  beforeEach(() => resetTestWorld(db));

  it("runs the part again for the claim's holder, sends the worker's answer and completes the run", async () => {
    const { run, review, riley } = await failedPart();
    const deps = engine(false);
    expect(await retryReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES })).toEqual({ ok: false, error: "not_claimed" });
    await claimReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES, minutes: 15 });
    expect(await retryReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });

    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.resolution, item.decidedBy]).toEqual(["approved", "retry", riley.email]);
    const attempts = await db.workerInvocation.findMany({ where: { runId: run.id, taskId: review.taskId }, orderBy: { attempt: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["timed_out", "timed_out", "succeeded"]);
    const followUp = await db.message.findFirstOrThrow({ where: { runId: run.id, content: { startsWith: "Update from our team" } } });
    expect(followUp.content).toContain((attempts[2].output as { summary: string }).summary);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
    expect(await db.auditEntry.count({ where: { subject: `review:${review.id}`, kind: { in: ["review_retry_started", "review_decision"] } } })).toBe(2);
  });

  it("refuses while the run still has an executor (the run and the retry would both work on the task), and changes nothing", async () => {
    const { run, review, riley } = await failedPart();
    const deps = engine(false);
    await claimReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES, minutes: 15 });
    // A worker-failure item is created when its part fails, before the run's other parts
    // and its reply are done: the run is still `running` under its executor's lease.
    await db.run.update({ where: { id: run.id }, data: { status: "running" } });
    const attemptsBefore = await db.workerInvocation.count({ where: { runId: run.id } });
    expect(await retryReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES })).toEqual({ ok: false, error: "run_in_progress" });
    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.resolution, item.retryOwner]).toEqual(["pending", null, null]);
    expect(await db.workerInvocation.count({ where: { runId: run.id } })).toBe(attemptsBefore);
    expect(await db.auditEntry.count({ where: { subject: `review:${review.id}`, kind: "review_retry_started" } })).toBe(0);

    // Once the run has finished (its reply is out), the same retry goes ahead.
    await db.run.update({ where: { id: run.id }, data: { status: "awaiting_review" } });
    expect(await retryReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
  });

  it("leaves the item pending, with the new failure recorded, when the worker fails again", async () => {
    const { run, review, riley } = await failedPart();
    const deps = engine(true);
    await claimReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES, minutes: 15 });
    const result = await retryReview(deps, { reviewId: review.id, staff: riley, allowedRoles: ROLES });
    expect(result).toMatchObject({ ok: false, error: "retry_failed" });
    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.resolution, item.claimedById]).toEqual(["pending", null, riley.id]);
    expect(await db.workerInvocation.count({ where: { runId: run.id, taskId: review.taskId } })).toBe(4);
    expect(await db.message.count({ where: { runId: run.id, content: { startsWith: "Update" } } })).toBe(0);
    expect(await db.auditEntry.count({ where: { subject: `review:${review.id}`, kind: "review_retry_failed" } })).toBe(1);
    // The reviewer can still answer by hand.
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("pending");
  });
});

// A run that stops after one of its parts failed for good (its worker_failure item is
// made, the reply may already say so) and is resumed must not run that part again on its
// own: the item is how it is tried again, by a person.
describe("a run resumed after a part failed for good", () => {
  beforeEach(() => resetTestWorld(db));

  it("reports the recorded failure instead of running the part again behind the reviewer's back", async () => {
    let crashed = false;
    const failing = createEngine({
      db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), retryBackoffMs: 10,
      models: { ...localModels(0), tech_support: hangingModel },
      workers: { ...workers, tech_support: { ...workers.tech_support, timeoutMs: 300 } },
      onBoundary: async (name) => {
        if (name === "workers_done" && !crashed) {
          crashed = true;
          throw new Error("the process stopped after the workers");
        }
      },
    });
    const { run, done } = await submitMessage(failing, { customerId: "C-1001", message: SLOW });
    expect(await done).toBe("lease_lost");
    const item = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "worker_failure" } });
    const attempts = await db.workerInvocation.count({ where: { runId: run.id, taskId: item.taskId } });
    expect(attempts).toBe(2);

    // Another executor, whose technical-support worker would now succeed, resumes the run.
    expect(await recoverRuns(engine(false))).toEqual([{ id: run.id, result: "awaiting_review" }]);
    expect(await db.workerInvocation.count({ where: { runId: run.id, taskId: item.taskId } })).toBe(attempts);
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.reply).toMatch(/couldn't complete/);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("pending");
  });
});

// The process running a retry dies mid-way (after the worker's success was stored,
// before the decision): the item must not stay `retrying` for ever.
describe("a retry whose process is killed", () => {
  beforeEach(() => resetTestWorld(db));

  async function killedRetry() {
    const failed = await failedPart();
    await claimReview(engine(false), { reviewId: failed.review.id, staff: failed.riley, allowedRoles: ROLES, minutes: 15 });
    const p = spawn(process.execPath, ["--import", "tsx", path.resolve("test/retry-child.ts")], {
      env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "silent", REVIEW_ID: failed.review.id, STAFF: JSON.stringify(failed.riley), CRASH_AT: "worker_succeeded:tech_support" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    const signal = await new Promise<NodeJS.Signals | null>((r) => p.on("exit", (_c, s) => r(s)));
    expect(signal, err).toBe("SIGKILL");
    const stuck = await db.reviewItem.findUniqueOrThrow({ where: { id: failed.review.id } });
    expect([stuck.status, stuck.resolution]).toEqual(["pending", "retrying"]);
    return failed;
  }

  it("can be retried again by the reviewer at once (its process is certainly gone), and is decided once", async () => {
    const { run, review, riley } = await killedRetry();
    expect(await retryReview(engine(false), { reviewId: review.id, staff: riley, allowedRoles: ROLES })).toEqual({ ok: true, status: "approved" });
    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.resolution, item.decidedBy, item.retryOwner]).toEqual(["approved", "retry", riley.email, null]);
    expect(await db.message.count({ where: { runId: run.id, content: { startsWith: "Update from our team" } } })).toBe(1);
    // The killed retry's attempt was not run again: its stored success was reused.
    const attempts = await db.workerInvocation.findMany({ where: { runId: run.id, taskId: review.taskId }, orderBy: { attempt: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["timed_out", "timed_out", "succeeded"]);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
  }, 90_000);

  it("is taken over and finished by the recovery loop, as the reviewer who started it", async () => {
    const { run, review, riley } = await killedRetry();
    expect(await resumeAbandonedRetries(engine(false), { allowedRoles: ROLES })).toBe(1);
    let item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    for (let i = 0; i < 100 && item.status === "pending"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    }
    expect([item.status, item.resolution, item.decidedBy]).toEqual(["approved", "retry", riley.email]);
    expect(await db.message.count({ where: { runId: run.id, content: { startsWith: "Update from our team" } } })).toBe(1);
    expect(await resumeAbandonedRetries(engine(false), { allowedRoles: ROLES })).toBe(0);
  }, 90_000);
});
