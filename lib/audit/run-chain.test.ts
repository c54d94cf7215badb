import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "../orchestrator/engine";
import { claimAndDecide } from "../orchestrator/review-decisions";
import { verifyAuditChain } from "./verify";
import { THREE_PARTS } from "@/test/messages";

const db = useTestDb();
const engine = () => createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
describe("the audit trail of a run", () => {
  beforeEach(() => resetTestWorld(db));

  it("records the whole delegation chain of a three-part run, in order, in the chain", async () => {
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("completed");
    const entries = await db.auditEntry.findMany({ where: { runId: run.id }, orderBy: { seq: "asc" } });
    const kinds = entries.map((e) => (e.kind === "event" ? (e.payload as { type: string }).type : `${e.kind}:${JSON.stringify((e.payload as { to?: string }).to ?? "")}`));
    expect(kinds[0]).toBe('run_created:""');
    expect(kinds[1]).toBe('transition:"running"');
    expect(kinds).toContain("plan");
    for (const type of ["worker_started", "tool_call", "tool_result", "worker_finished"]) expect(kinds.filter((k) => k === type).length).toBeGreaterThanOrEqual(3);
    expect(kinds.filter((k) => k.startsWith("transition") && k.includes("succeeded"))).toHaveLength(3); // each invocation
    expect(kinds.slice(-2).sort()).toEqual(["run_finished", 'transition:"completed"']);
    expect(kinds).not.toContain("message_delta");
    const finished = entries.find((e) => (e.payload as { type?: string }).type === "run_finished")!;
    expect((finished.payload as { reply: string }).reply.length).toBeGreaterThan(20);
    // Every entry is sealed in the one chain, and the run's links verify.
    expect(entries.every((e) => e.seq !== null && e.hash)).toBe(true);
    expect(await verifyAuditChain({ db, runId: run.id })).toMatchObject({ ok: true, entries: entries.length });
  });

  it("records a reviewer's decision with the reviewer as the actor, in the decision's transaction", async () => {
    const deps = engine();
    const { run, done } = await submitMessage(deps, { customerId: "C-1002", message: "There's an $85 international roaming charge on my bill. I never turned that on, please remove it." });
    expect(await done).toBe("awaiting_review");
    const review = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    const result = await claimAndDecide(deps, { reviewId: review.id, decision: "approve", note: "ok", staffEmail: "reviewer@switchboard.local" });
    expect(result.ok).toBe(true);
    const byReviewer = await db.auditEntry.findMany({ where: { runId: run.id, actor: "reviewer@switchboard.local" }, orderBy: { seq: "asc" } });
    expect(byReviewer.map((e) => [e.kind, e.subject])).toEqual([
      ["review_claimed", `review:${review.id}`],
      ["transition", `review:${review.id}`],
      ["review_decision", `review:${review.id}`],
      ["event", expect.stringMatching(/^event:\d+:review_decided$/)],
      ["transition", `run:${run.id}`],
    ]);
  });
});
