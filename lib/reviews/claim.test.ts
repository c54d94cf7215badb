import { beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "../orchestrator/engine";
import { settingsSourceFor } from "../orchestrator/settings";
import { resetTestWorld, useTestDb } from "@/test/db";
import { claim, release } from "./claim";
import { REFUSAL_MESSAGES } from "./refusals";

// The use cases behind POST /api/reviews/<id>/claim and the review page's claim and
// release actions, on the real database.

const db = useTestDb();
const ROAMING = "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.";
const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
const deps = { engine, settings: settingsSourceFor(db) };

const person = (email: string) => db.staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true } });
const refusal = (code: keyof typeof REFUSAL_MESSAGES, claimedBy?: string) => ({
  ok: false,
  refusal: { code, message: REFUSAL_MESSAGES[code], ...(claimedBy ? { claimedBy } : {}) },
});

async function pendingReview() {
  const { run, done } = await submitMessage(engine, { customerId: "C-1002", message: ROAMING });
  expect(await done).toBe("awaiting_review");
  return db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "credit_over_limit" } });
}

describe("claim and release", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    // The world's reset leaves staff roles alone: a test below demotes Riley.
    await db.staffUser.updateMany({ where: { email: "reviewer@switchboard.local" }, data: { role: "reviewer" } });
  });

  it("claims for the settings' claim time; another reviewer is refused and told who holds it; the holder releases", async () => {
    const review = await pendingReview();
    const riley = await person("reviewer@switchboard.local");
    const alex = await person("admin@switchboard.local");
    const before = Date.now();
    const mine = await claim(deps, { staff: riley, reviewId: review.id });
    if (!mine.ok) throw new Error(mine.refusal.code);
    const minutes = (await deps.settings.current()).settings.policy.claimMinutes;
    expect(Math.abs(mine.until.getTime() - before - minutes * 60_000)).toBeLessThan(10_000);

    const theirs = await claim(deps, { staff: alex, reviewId: review.id });
    expect(theirs).toMatchObject({ ok: false, refusal: { code: "claimed_by_other", message: REFUSAL_MESSAGES.claimed_by_other } });
    if (!theirs.ok && "claimedBy" in theirs.refusal) expect(theirs.refusal.claimedBy).toBeTruthy();
    // Not one's own, and not as an admin: refused.
    expect(await release({ engine }, { staff: alex, reviewId: review.id, asAdmin: false })).toEqual(refusal("claimed_by_other"));
    expect(await release({ engine }, { staff: riley, reviewId: review.id, asAdmin: false })).toEqual({ ok: true });
    expect(await release({ engine }, { staff: riley, reviewId: review.id, asAdmin: false })).toEqual(refusal("not_claimed"));
  });

  it("lets an admin release anyone's claim", async () => {
    const review = await pendingReview();
    expect((await claim(deps, { staff: await person("reviewer@switchboard.local"), reviewId: review.id })).ok).toBe(true);
    expect(await release({ engine }, { staff: await person("admin@switchboard.local"), reviewId: review.id, asAdmin: true })).toEqual({ ok: true });
  });

  it("refuses a stale page, a missing item, a decided item and a role the database does not allow", async () => {
    const review = await pendingReview();
    const riley = await person("reviewer@switchboard.local");
    expect(await claim(deps, { staff: riley, reviewId: review.id, expectedVersion: review.version + 1 })).toEqual(refusal("stale"));
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await claim(deps, { staff: riley, reviewId: missing })).toEqual(refusal("not_found"));
    expect(await release({ engine }, { staff: riley, reviewId: missing, asAdmin: false })).toEqual(refusal("not_found"));

    await db.reviewItem.update({ where: { id: review.id }, data: { status: "rejected" } });
    expect(await claim(deps, { staff: riley, reviewId: review.id })).toEqual(refusal("already_decided"));
    expect(await release({ engine }, { staff: riley, reviewId: review.id, asAdmin: false })).toEqual(refusal("already_decided"));

    const avery = await person("auditor@switchboard.local");
    expect(await claim(deps, { staff: avery, reviewId: review.id })).toEqual(refusal("forbidden"));
    expect(await release({ engine }, { staff: avery, reviewId: review.id, asAdmin: false })).toEqual(refusal("forbidden"));
  });
});
