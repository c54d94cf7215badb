import { beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "../orchestrator/engine";
import { settingsSourceFor } from "../orchestrator/settings";
import { workers } from "../workers/registry";
import { resetTestWorld, useTestDb } from "@/test/db";
import { claim } from "./claim";
import { decide } from "./decide";
import { REFUSAL_MESSAGES } from "./refusals";
import { hangingModel } from "../models/scripted";

// The use case behind POST /api/reviews/<id>/decision and decideReviewAction, on the
// real database: a decision that goes through, and each refusal with its sentence.

const db = useTestDb();
const ROAMING = "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.";
const SLOW = "My internet has been really slow all week, can you check my line?";

/** An engine; with `hangs`, its technical-support worker times out every time. */
const engine = (hangs = false) =>
  createEngine({
    db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), retryBackoffMs: 10,
    models: hangs ? { ...localModels(0), tech_support: hangingModel } : localModels(0),
    workers: hangs ? { ...workers, tech_support: { ...workers.tech_support, timeoutMs: 300 } } : workers,
  });

const person = (email: string) => db.staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true } });

async function pending(kind: "credit_over_limit" | "worker_failure") {
  const deps = engine(kind === "worker_failure");
  const { run, done } = await submitMessage(deps, kind === "worker_failure" ? { customerId: "C-1001", message: SLOW } : { customerId: "C-1002", message: ROAMING });
  expect(await done).toBe("awaiting_review");
  return { deps, review: await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind } }) };
}

async function claimed(kind: "credit_over_limit" | "worker_failure", email = "reviewer@switchboard.local") {
  const { deps, review } = await pending(kind);
  const staff = await person(email);
  const c = await claim({ engine: deps, settings: settingsSourceFor(db) }, { staff, reviewId: review.id });
  if (!c.ok) throw new Error(`claim refused: ${c.refusal.code}`);
  return { deps, review, staff, version: c.version };
}

const refusal = (code: keyof typeof REFUSAL_MESSAGES, claimedBy?: string) => ({
  ok: false,
  refusal: { code, message: REFUSAL_MESSAGES[code], ...(claimedBy ? { claimedBy } : {}) },
});

describe("decide", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    // The world's reset leaves staff roles alone: a test below demotes Riley.
    await db.staffUser.updateMany({ where: { email: "reviewer@switchboard.local" }, data: { role: "reviewer" } });
  });

  it("approves an item the reviewer holds, once; a second decision is refused as already decided", async () => {
    const { deps, review, staff } = await claimed("credit_over_limit");
    expect(await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "approve", note: "ok" } })).toEqual({ ok: true, status: "approved" });
    expect(await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "reject", note: "no" } })).toEqual(refusal("already_decided"));
  });

  it("refuses an item nobody holds, one another reviewer holds, and one that does not exist", async () => {
    const { deps, review } = await pending("credit_over_limit");
    const riley = await person("reviewer@switchboard.local");
    const alex = await person("admin@switchboard.local");
    expect(await decide({ engine: deps }, { staff: riley, decision: { reviewId: review.id, decision: "approve" } })).toEqual(refusal("not_claimed"));
    expect((await claim({ engine: deps, settings: settingsSourceFor(db) }, { staff: alex, reviewId: review.id })).ok).toBe(true);
    expect(await decide({ engine: deps }, { staff: riley, decision: { reviewId: review.id, decision: "approve" } })).toMatchObject(refusal("claimed_by_other"));
    expect(await decide({ engine: deps }, { staff: riley, decision: { reviewId: "00000000-0000-4000-8000-000000000000", decision: "approve" } })).toEqual(
      refusal("not_found"),
    );
  });

  it("refuses a decision from a page that showed an older version of the item", async () => {
    const { deps, review, staff, version } = await claimed("credit_over_limit");
    expect(await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "approve", expectedVersion: version - 1 } })).toEqual(refusal("stale"));
  });

  it("refuses a decision that does not fit the kind of item", async () => {
    const { deps, review, staff } = await claimed("credit_over_limit");
    expect(await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "send_written", reply: "Done." } })).toEqual(refusal("invalid_decision"));
  });

  it("refuses a reviewer whose role the database no longer allows, whatever the caller believed", async () => {
    const { deps, review, staff } = await claimed("credit_over_limit");
    await db.staffUser.update({ where: { id: staff.id }, data: { role: "auditor" } });
    try {
      expect(await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "approve" } })).toEqual(refusal("forbidden"));
    } finally {
      await db.staffUser.update({ where: { id: staff.id }, data: { role: "reviewer" } });
    }
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("pending");
  });

  it("refuses a retry whose worker fails again, with the worker's error, and leaves the item pending", async () => {
    const { deps, review, staff } = await claimed("worker_failure");
    const result = await decide({ engine: deps }, { staff, decision: { reviewId: review.id, decision: "retry" } });
    expect(result).toMatchObject({ ok: false, refusal: { code: "retry_failed" } });
    if (result.ok || result.refusal.code !== "retry_failed") throw new Error("not refused");
    expect(result.refusal.workerError).not.toBe("");
    expect(result.refusal.message).toBe(`The worker failed again: ${result.refusal.workerError}. Answer the customer by hand.`);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("pending");
  });
});
