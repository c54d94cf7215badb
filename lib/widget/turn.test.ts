import { describe, expect, it } from "vitest";
import type { StoredRunEvent } from "../orchestrator/events";
import { workers } from "../workers/registry";
import { applyEvent, FAILED_REPLY, startTurn, type ProgressLabels, type WidgetTurn } from "./turn";

const labels: ProgressLabels = Object.fromEntries(Object.values(workers).map((w) => [w.name, w.progress]));
const at = "2026-11-15T12:00:00Z";
let seq = 0;
const ev = (e: Record<string, unknown>) => ({ at, seq: ++seq, ...e }) as StoredRunEvent;
const started = (taskId: string, worker: string) => ev({ type: "worker_started", taskId, worker, attempt: 1, instruction: "x" });
const finished = (taskId: string, worker: string, outcome = "succeeded") =>
  ev({ type: "worker_finished", taskId, worker, outcome, attempt: 1, summary: "", confidence: 0.9, cacheHit: false, tokensIn: 1, tokensOut: 1, latencyMs: 1 });

function play(events: StoredRunEvent[]): WidgetTurn {
  return events.reduce((t, e) => applyEvent(t, e, labels), startTurn("run-1"));
}

describe("the widget's view of a run", () => {
  it("shows each kind of work in the customer's words, never worker or tool names", () => {
    const turn = play([
      started("t1", "billing"),
      started("t2", "tech_support"),
      ev({ type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "get_billing_overview", args: {} }),
      finished("t1", "billing"),
    ]);
    expect(turn.steps).toEqual([
      { label: "Checking your bill…", state: "done" },
      { label: "Testing your line…", state: "working" },
    ]);
    expect(JSON.stringify(turn.steps)).not.toMatch(/billing|tech_support|get_billing/);
  });

  it("the account worker reads 'Looking at your plan…'; an unknown worker gets a neutral line", () => {
    expect(play([started("t1", "account")]).steps).toEqual([{ label: "Looking at your plan…", state: "working" }]);
    expect(play([started("t1", "loyalty")]).steps).toEqual([{ label: "Looking into it…", state: "working" }]);
  });

  it("streams the reply, restarts it for a new attempt, and ends with the final reply", () => {
    let turn = play([ev({ type: "message_delta", attempt: 1, delta: "Hel" }), ev({ type: "message_delta", attempt: 1, delta: "lo" })]);
    expect(turn.text).toBe("Hello");
    turn = applyEvent(turn, ev({ type: "message_delta", attempt: 2, delta: "Hi" }), labels);
    expect(turn.text).toBe("Hi");
    turn = applyEvent(turn, ev({ type: "message_delta", attempt: 1, delta: "late" }), labels);
    expect(turn.text).toBe("Hi");
    turn = applyEvent(turn, ev({ type: "run_finished", status: "completed", reply: "Hi there.", tokensIn: 1, tokensOut: 1, latencyMs: 1 }), labels);
    expect(turn).toMatchObject({ state: "done", text: "Hi there." });
  });

  it("a run waiting for a person is a follow-up; a failed one says sorry", () => {
    const review = play([ev({ type: "run_finished", status: "awaiting_review", reply: "A colleague will confirm the credit.", tokensIn: 1, tokensOut: 1, latencyMs: 1 })]);
    expect(review.state).toBe("followup");
    const failed = play([ev({ type: "run_finished", status: "failed", reply: "", tokensIn: 1, tokensOut: 1, latencyMs: 1 })]);
    expect(failed).toMatchObject({ state: "failed", text: FAILED_REPLY });
  });

  it("ignores an event it has applied already (a resumed stream)", () => {
    const e = ev({ type: "message_delta", attempt: 1, delta: "once" });
    const turn = applyEvent(applyEvent(startTurn("r"), e, labels), e, labels);
    expect(turn.text).toBe("once");
  });

  it("a failed task shows as failed only when every task on its line failed", () => {
    const turn = play([started("t1", "billing"), started("t2", "billing"), finished("t1", "billing", "failed"), finished("t2", "billing")]);
    expect(turn.steps).toEqual([{ label: "Checking your bill…", state: "done" }]);
  });
});
