import { describe, expect, it } from "vitest";
import type { StoredRunEvent } from "../orchestrator/events";
import { applyEvents, emptyRun, isTerminal, replyOf } from "./run-view";

const at = "2025-11-20T10:00:00.000Z";
type NoAt<E> = E extends StoredRunEvent ? Omit<E, "at" | "seq"> : never;
function log(...events: NoAt<StoredRunEvent>[]): StoredRunEvent[] {
  return events.map((e, i) => ({ ...e, at, seq: i + 1 }) as StoredRunEvent);
}

const billingRun = log(
  { type: "run_started", customerId: "C-1001", input: "Why is there a late fee?", attempt: 1 },
  { type: "plan", plan: { kind: "delegate", via: "classifier", confidence: 0.93, tasks: [{ id: "t1", worker: "billing", instruction: "Why is there a late fee?" }] } },
  { type: "worker_started", taskId: "t1", worker: "billing", attempt: 1, instruction: "Why is there a late fee?" },
  { type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "get_invoices", args: {} },
  { type: "tool_result", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "get_invoices", result: {}, isError: false },
  { type: "worker_partial", taskId: "t1", worker: "billing", text: "Found 3 invoices" },
  { type: "worker_finished", taskId: "t1", worker: "billing", outcome: "succeeded", attempt: 1, summary: "Late fee is an error", confidence: 0.9, cacheHit: false, tokensIn: 100, tokensOut: 20, latencyMs: 340 },
  { type: "message_delta", attempt: 1, delta: "The $30.00 " },
  { type: "message_delta", attempt: 1, delta: "fee was " },
  { type: "run_finished", status: "completed", reply: "The $30.00 fee was a mistake.", tokensIn: 300, tokensOut: 60, latencyMs: 900 },
);

describe("run view", () => {
  it("folds a run into plan, worker status with progress, and the reply", () => {
    const partial = applyEvents(emptyRun("r1"), billingRun.slice(0, 9));
    expect(partial.input).toBe("Why is there a late fee?");
    expect(partial.plan?.via).toBe("classifier");
    expect(partial.workers).toHaveLength(1);
    expect(partial.workers[0]).toMatchObject({ worker: "billing", status: "succeeded", confidence: 0.9, tokens: 120, latencyMs: 340, cacheHit: false });
    expect(partial.workers[0].progress.map((p) => p.text)).toEqual(["get_invoices", "Found 3 invoices"]);
    expect(replyOf(partial)).toBe("The $30.00 fee was ");
    expect(partial.phase).toBe("running");

    const done = applyEvents(partial, billingRun.slice(9));
    expect(replyOf(done)).toBe("The $30.00 fee was a mistake.");
    expect(done.phase).toBe("completed");
    expect(done.totals).toEqual({ tokens: 360, latencyMs: 900 });
  });

  it("ignores events it has already seen, so a replayed log does not duplicate text", () => {
    const once = applyEvents(emptyRun("r1"), billingRun.slice(0, 9));
    const twice = applyEvents(once, billingRun.slice(0, 9));
    expect(twice).toBe(once);
  });

  it("keeps only the highest attempt's deltas when a resumed run re-streams", () => {
    const events = log(
      { type: "message_delta", attempt: 1, delta: "Half a rep" },
      { type: "error", message: "process died", retryable: true },
      { type: "run_started", customerId: "C-1001", input: "hi", attempt: 2 },
      { type: "message_delta", attempt: 2, delta: "A full " },
      { type: "message_delta", attempt: 1, delta: "stale" },
      { type: "message_delta", attempt: 2, delta: "reply." },
    );
    const run = applyEvents(emptyRun("r1", "hi"), events);
    expect(run.replyText).toBe("A full reply.");
    expect(run.phase).toBe("running");
  });

  it("shows a failed attempt, the retry, and a review request", () => {
    const events = log(
      { type: "worker_started", taskId: "t1", worker: "tech_support", attempt: 1, instruction: "Internet is down" },
      { type: "worker_finished", taskId: "t1", worker: "tech_support", outcome: "timed_out", attempt: 1, summary: "", confidence: null, cacheHit: false, tokensIn: 0, tokensOut: 0, latencyMs: 20000, error: "timed out after 20000 ms" },
      { type: "error", taskId: "t1", message: "Technical support worker timed out", retryable: true },
      { type: "worker_started", taskId: "t1", worker: "tech_support", attempt: 2, instruction: "Internet is down" },
      { type: "worker_finished", taskId: "t1", worker: "tech_support", outcome: "failed", attempt: 2, summary: "", confidence: null, cacheHit: false, tokensIn: 0, tokensOut: 0, latencyMs: 10, error: "boom" },
      { type: "review_requested", reviewId: "rv1", taskId: "t1", kind: "worker_failure", summary: "Technical support worker failed twice" },
      { type: "review_decided", reviewId: "rv1", kind: "worker_failure", decision: "approved", by: "riley", note: "called back" },
    );
    const run = applyEvents(emptyRun("r1"), events);
    expect(run.workers).toHaveLength(1);
    expect(run.workers[0]).toMatchObject({ status: "failed", attempt: 2, error: "boom" });
    expect(run.workers[0].progress.map((p) => p.text)).toContain("Retrying (attempt 2)");
    expect(run.reviews).toEqual([{ reviewId: "rv1", taskId: "t1", kind: "worker_failure", summary: "Technical support worker failed twice", decision: { decision: "approved", note: "called back" } }]);
    expect(run.phase).toBe("running");
  });

  it("treats run_finished and a final run-level error as the end of the stream", () => {
    const [finished] = log({ type: "run_finished", status: "awaiting_review", reply: "", tokensIn: 0, tokensOut: 0, latencyMs: 0 });
    const [fatal] = log({ type: "error", message: "gave up", retryable: false });
    const [workerError] = log({ type: "error", taskId: "t1", message: "worker failed", retryable: false });
    expect(isTerminal(finished)).toBe(true);
    expect(isTerminal(fatal)).toBe(true);
    expect(isTerminal(workerError)).toBe(false);
    expect(applyEvents(emptyRun("r1"), [fatal]).phase).toBe("failed");
  });
});
