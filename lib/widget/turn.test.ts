import { describe, expect, it } from "vitest";
import { runMessageFromEvents } from "../chat/ui-stream";
import type { StoredRunEvent } from "../orchestrator/events";
import { workers } from "../workers/registry";
import { FAILED_REPLY, widgetTurn, type ProgressLabels, type WidgetTurn } from "./turn";

// The widget's view is computed from the run's UI message, which the chat transport
// builds from the run's stored events: these tests go events → message → view.

const labels: ProgressLabels = Object.fromEntries(Object.values(workers).map((w) => [w.name, w.progress]));
const at = "2026-11-15T12:00:00Z";
let seq = 0;
const ev = (e: Record<string, unknown>) => ({ at, seq: ++seq, ...e }) as StoredRunEvent;
const started = (taskId: string, worker: string) => ev({ type: "worker_started", taskId, worker, attempt: 1, instruction: "x" });
const finished = (taskId: string, worker: string, outcome = "succeeded") =>
  ev({ type: "worker_finished", taskId, worker, outcome, attempt: 1, summary: "", confidence: 0.9, cacheHit: false, tokensIn: 1, tokensOut: 1, latencyMs: 1 });
const runStarted = () => ev({ type: "run_started", attempt: 1 });
const runFinished = (status: string, reply: string) => ev({ type: "run_finished", status, reply, tokensIn: 1, tokensOut: 1, latencyMs: 1 });

async function view(events: StoredRunEvent[]): Promise<WidgetTurn> {
  return widgetTurn(await runMessageFromEvents("run-1", events), labels);
}

describe("the widget's view of a run", () => {
  it("shows each kind of work in the customer's words, never worker or tool names", async () => {
    const turn = await view([
      runStarted(),
      started("t1", "billing"),
      started("t2", "tech_support"),
      ev({ type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "get_billing_overview", args: {} }),
      finished("t1", "billing"),
    ]);
    expect(turn.state).toBe("working");
    expect(turn.steps).toEqual([
      { label: "Checking your bill…", state: "done" },
      { label: "Testing your line…", state: "working" },
    ]);
    expect(JSON.stringify(turn.steps)).not.toMatch(/billing|tech_support|get_billing/);
  });

  it("the account worker reads 'Looking at your plan…'; an unknown worker gets a neutral line", async () => {
    expect((await view([started("t1", "account")])).steps).toEqual([{ label: "Looking at your plan…", state: "working" }]);
    expect((await view([started("t1", "loyalty")])).steps).toEqual([{ label: "Looking into it…", state: "working" }]);
  });

  it("streams the reply, shows only the newest attempt's, and ends with the final reply", async () => {
    const first = [runStarted(), ev({ type: "message_delta", attempt: 1, delta: "Hel" }), ev({ type: "message_delta", attempt: 1, delta: "lo" })];
    expect((await view(first)).text).toBe("Hello");
    const retried = [...first, ev({ type: "message_delta", attempt: 2, delta: "Hi" }), ev({ type: "message_delta", attempt: 1, delta: "late" })];
    expect((await view(retried)).text).toBe("Hi");
    expect(await view([...retried, runFinished("completed", "Hi there.")])).toMatchObject({ state: "done", text: "Hi there." });
  });

  it("a run waiting for a person is a follow-up; a failed one without a reply says sorry", async () => {
    expect((await view([runStarted(), runFinished("awaiting_review", "A colleague will confirm the credit.")])).state).toBe("followup");
    expect(await view([runStarted(), runFinished("failed", "")])).toMatchObject({ state: "failed", text: FAILED_REPLY });
  });

  it("a line is failed only when every task on it failed", async () => {
    const turn = await view([started("t1", "billing"), started("t2", "billing"), finished("t1", "billing", "failed"), finished("t2", "billing")]);
    expect(turn.steps).toEqual([{ label: "Checking your bill…", state: "done" }]);
    const failed = await view([started("t1", "billing"), finished("t1", "billing", "timed_out")]);
    expect(failed.steps).toEqual([{ label: "Checking your bill…", state: "failed" }]);
  });
});
