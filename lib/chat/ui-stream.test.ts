import { describe, expect, it } from "vitest";
import type { StoredRunEvent } from "../orchestrator/events";
import {
  applyChunks,
  createRunStreamState,
  dataParts,
  isStreamDone,
  mapRunEvents,
  openingChunks,
  rebuildChunks,
  replyText,
  runMessageFromEvents,
  runStreamStateAt,
  type ChatChunk,
  type ChatMessage,
} from "./ui-stream";

const at = "2026-11-15T10:00:00.000Z";
type NoAt<E> = E extends StoredRunEvent ? Omit<E, "at" | "seq"> : never;
function log(...events: NoAt<StoredRunEvent>[]): StoredRunEvent[] {
  return events.map((e, i) => ({ ...e, at, seq: i + 1 }) as StoredRunEvent);
}

const RUN = "11111111-1111-4111-8111-111111111111";
const REPLY = "**Billing:** the $30.00 late fee was removed. **Technical support:** your line is healthy. **Plans:** Fiber 1000 is the fastest.";

const threeParts = log(
  { type: "run_started", customerId: "C-1001", input: "late fee, slow internet, fastest plan", attempt: 1 },
  {
    type: "plan",
    plan: {
      kind: "delegate", via: "planner", confidence: 0.6,
      tasks: [
        { id: "t1", worker: "billing", instruction: "late fee" },
        { id: "t2", worker: "tech_support", instruction: "slow internet" },
        { id: "t3", worker: "account", instruction: "fastest plan" },
      ],
    },
  },
  { type: "worker_started", taskId: "t1", worker: "billing", attempt: 1, instruction: "late fee" },
  { type: "worker_started", taskId: "t2", worker: "tech_support", attempt: 1, instruction: "slow internet" },
  { type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "find_discrepancies", args: {} },
  { type: "worker_started", taskId: "t3", worker: "account", attempt: 1, instruction: "fastest plan" },
  { type: "tool_result", taskId: "t1", worker: "billing", toolCallId: "c1", tool: "find_discrepancies", result: { found: 1 }, isError: false },
  { type: "worker_partial", taskId: "t1", worker: "billing", text: "Found a late fee charged in error" },
  { type: "tool_call", taskId: "t2", worker: "tech_support", toolCallId: "c2", tool: "line_status", args: {} },
  { type: "tool_result", taskId: "t2", worker: "tech_support", toolCallId: "c2", tool: "line_status", result: null, isError: true },
  { type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c3", tool: "issue_credit", args: { amountCents: 3000 } },
  { type: "tool_result", taskId: "t1", worker: "billing", toolCallId: "c3", tool: "issue_credit", result: { status: "applied" }, isError: false },
  { type: "worker_finished", taskId: "t1", worker: "billing", outcome: "succeeded", attempt: 1, summary: "Credited $30.00", confidence: 0.92, cacheHit: false, tokensIn: 900, tokensOut: 80, latencyMs: 410 },
  { type: "worker_finished", taskId: "t2", worker: "tech_support", outcome: "succeeded", attempt: 1, summary: "Line healthy", confidence: 0.88, cacheHit: false, tokensIn: 700, tokensOut: 60, latencyMs: 380 },
  { type: "worker_finished", taskId: "t3", worker: "account", outcome: "succeeded", attempt: 1, summary: "Fiber 1000", confidence: 0.9, cacheHit: true, tokensIn: 0, tokensOut: 0, latencyMs: 0 },
  { type: "message_delta", attempt: 1, delta: "**Billing:** the $30.00 late fee was removed. " },
  { type: "message_delta", attempt: 1, delta: "**Technical support:** your line is healthy. " },
  { type: "message_delta", attempt: 1, delta: "**Plans:** Fiber 1000 is the fastest." },
  { type: "run_finished", status: "completed", reply: REPLY, tokensIn: 2000, tokensOut: 300, latencyMs: 1500 },
);

/** Every chunk of the run's message, streamed from the beginning. */
function allChunks(events: StoredRunEvent[]): ChatChunk[] {
  const state = createRunStreamState(RUN);
  return [...openingChunks(state), ...mapRunEvents(state, events)];
}

/** The chunks a stream resuming after `cursor` sends. */
function chunksAfter(events: StoredRunEvent[], cursor: number): ChatChunk[] {
  const state = runStreamStateAt(RUN, events.filter((e) => e.seq <= cursor));
  return [...openingChunks(state), ...mapRunEvents(state, events.filter((e) => e.seq > cursor))];
}

async function fold(events: StoredRunEvent[]): Promise<ChatMessage> {
  return (await applyChunks(allChunks(events)))!;
}

describe("run events as a UI message stream", () => {
  it("folds a three-part run into one message: plan, a part per task, tool parts, the reply, and the run's status", async () => {
    const message = await fold(threeParts);
    expect(message.id).toBe(`run-${RUN}`);
    expect(message.metadata).toMatchObject({ runId: RUN, cursor: threeParts.length, replyAttempt: 1 });
    expect(dataParts(message, "run")).toEqual([{ status: "completed", attempt: 1, tokens: 2300, latencyMs: 1500, errors: [] }]);
    expect(dataParts(message, "plan")).toHaveLength(1);
    const workers = dataParts(message, "worker");
    expect(workers.map((w) => [w.taskId, w.status])).toEqual([["t1", "succeeded"], ["t2", "succeeded"], ["t3", "succeeded"]]);
    expect(workers[0]).toMatchObject({ confidence: 0.92, tokens: 980, latencyMs: 410, cacheHit: false });
    expect(workers[0].progress.map((p) => p.text)).toEqual(["find_discrepancies", "Found a late fee charged in error", "issue_credit"]);
    expect(workers[1].progress.map((p) => p.kind)).toEqual(["tool", "error"]);
    expect(workers[2].cacheHit).toBe(true);
    expect(dataParts(message, "tool").map((t) => [t.toolCallId, t.state])).toEqual([["c1", "succeeded"], ["c2", "failed"], ["c3", "succeeded"]]);
    expect(replyText(message)).toBe(REPLY);
    expect(message.parts.at(-1)).toMatchObject({ type: "text", state: "done" });
  });

  it("updates each data part in place by id: one part per task however many events it had", async () => {
    const chunks = allChunks(threeParts);
    expect(chunks.filter((c) => c.type === "data-worker").length).toBeGreaterThan(3);
    const message = (await applyChunks(chunks))!;
    expect(message.parts.filter((p) => p.type === "data-worker")).toHaveLength(3);
    expect(message.parts.filter((p) => p.type === "data-run")).toHaveLength(1);
  });

  it("gives the same final message whatever cursor a stream resumes from, continuing the same state or rebuilding it", async () => {
    const whole = await fold(threeParts);
    for (let cursor = 0; cursor <= threeParts.length; cursor++) {
      const before = allChunks(threeParts.filter((e) => e.seq <= cursor));
      const after = chunksAfter(threeParts, cursor);
      // The transport reconnected inside one stream: the chunks simply continue.
      expect(await applyChunks([...before, ...after]), `continued at ${cursor}`).toEqual(whole);
      // A reload: a fresh stream state rebuilt from the message as the page had it.
      const partial = (await applyChunks(before))!;
      expect(await applyChunks([...rebuildChunks(partial), ...after]), `rebuilt at ${cursor}`).toEqual(whole);
    }
  });

  it("never repeats an event it has folded", () => {
    const state = createRunStreamState(RUN);
    mapRunEvents(state, threeParts.slice(0, 10));
    expect(mapRunEvents(state, threeParts.slice(0, 10))).toEqual([]);
  });

  it("shows only the latest attempt's reply, also when a part appears after the first attempt's text", async () => {
    const events = log(
      { type: "run_started", customerId: "C-1001", input: "hi", attempt: 1 },
      { type: "plan", plan: { kind: "delegate", via: "classifier", confidence: 0.9, tasks: [{ id: "t1", worker: "billing", instruction: "hi" }] } },
      { type: "worker_started", taskId: "t1", worker: "billing", attempt: 1, instruction: "hi" },
      { type: "message_delta", attempt: 1, delta: "Half a rep" },
      { type: "error", message: "process died", retryable: true },
      { type: "run_started", customerId: "C-1001", input: "hi", attempt: 2 },
      { type: "tool_call", taskId: "t1", worker: "billing", toolCallId: "c9", tool: "get_invoice", args: {} },
      { type: "message_delta", attempt: 2, delta: "A full " },
      { type: "message_delta", attempt: 1, delta: "stale" },
      { type: "message_delta", attempt: 2, delta: "reply." },
      { type: "run_finished", status: "completed", reply: "A full reply.", tokensIn: 1, tokensOut: 1, latencyMs: 1 },
    );
    const message = await fold(events);
    expect(message.parts.filter((p) => p.type === "text")).toHaveLength(1);
    expect(replyText(message)).toBe("A full reply.");
    expect(message.metadata?.replyAttempt).toBe(2);
    expect(dataParts(message, "tool")).toHaveLength(1);
    expect(dataParts(message, "run")[0]).toMatchObject({ status: "completed", attempt: 2, errors: [{ message: "process died", retryable: true }] });
    // The text stays last, alone in its step.
    expect(message.parts.at(-1)?.type).toBe("text");
    expect(message.parts.at(-2)?.type).toBe("step-start");
    for (let cursor = 0; cursor <= events.length; cursor++) {
      const partial = (await applyChunks(allChunks(events.filter((e) => e.seq <= cursor))))!;
      expect(await applyChunks([...rebuildChunks(partial), ...chunksAfter(events, cursor)]), `rebuilt at ${cursor}`).toEqual(message);
    }
  });

  it("shows a reply written in parts as it arrives, and a run resumed in the middle of it without repeating a word", async () => {
    const P0 = "The $30 late fee was a mistake, so I've credited $30.00 to your account.";
    const P1 = "Also, I found a fault on your line and fixed it with a remote reset.";
    const P2 = "Finally, your fastest option is the 1 Gig plan.";
    const events = log(
      { type: "run_started", customerId: "C-1001", input: "fee, slow, fastest plan", attempt: 1 },
      { type: "worker_started", taskId: "t1", worker: "billing", attempt: 1, instruction: "fee" },
      { type: "worker_started", taskId: "t2", worker: "tech_support", attempt: 1, instruction: "slow" },
      { type: "worker_started", taskId: "t3", worker: "account", attempt: 1, instruction: "fastest plan" },
      { type: "worker_finished", taskId: "t1", worker: "billing", outcome: "succeeded", attempt: 1, summary: "fee", confidence: 0.9, cacheHit: false, tokensIn: 1, tokensOut: 1, latencyMs: 1 },
      { type: "message_delta", attempt: 1, part: 0, delta: "The $30 late fee was a mistake, " },
      { type: "message_delta", attempt: 1, part: 0, delta: "so I've credited $30.00 to your account. " },
      { type: "reply_part", attempt: 1, index: 0, taskIds: ["t1"], text: P0 },
      { type: "worker_finished", taskId: "t2", worker: "tech_support", outcome: "succeeded", attempt: 1, summary: "slow", confidence: 0.9, cacheHit: false, tokensIn: 1, tokensOut: 1, latencyMs: 1 },
      { type: "message_delta", attempt: 1, part: 1, delta: "Also, I found a fau" },
      { type: "error", message: "process died", retryable: true },
      { type: "run_started", customerId: "C-1001", input: "fee, slow, fastest plan", attempt: 2 },
      { type: "message_delta", attempt: 2, part: 1, delta: "Also, I found a fault on your line " },
      { type: "message_delta", attempt: 1, part: 1, delta: "stale" },
      { type: "message_delta", attempt: 2, part: 1, delta: "and fixed it with a remote reset." },
      { type: "reply_part", attempt: 2, index: 1, taskIds: ["t2"], text: P1 },
      { type: "worker_finished", taskId: "t3", worker: "account", outcome: "succeeded", attempt: 2, summary: "plan", confidence: 0.9, cacheHit: false, tokensIn: 1, tokensOut: 1, latencyMs: 1 },
      { type: "message_delta", attempt: 2, part: 2, delta: P2 },
      { type: "reply_part", attempt: 2, index: 2, taskIds: ["t3"], text: P2 },
      { type: "run_finished", status: "completed", reply: [P0, P1, P2].join("\n\n"), tokensIn: 1, tokensOut: 1, latencyMs: 1 },
    );
    const textAt = async (seq: number) => replyText((await applyChunks(allChunks(events.filter((e) => e.seq <= seq))))!);
    // The first part is read while the other workers still run; the next one follows after a blank line.
    expect(await textAt(8)).toBe(P0);
    expect(await textAt(10)).toBe(`${P0}\n\nAlso, I found a fau`);
    // The resumed attempt keeps the final part and replaces only the one cut off.
    expect(await textAt(13)).toBe(`${P0}\n\nAlso, I found a fault on your line `);
    expect(await textAt(16)).toBe(`${P0}\n\n${P1}`);
    for (let seq = 1; seq <= events.length; seq++) {
      const text = await textAt(seq);
      expect(text.split(P0).length - 1, `at ${seq}`).toBeLessThanOrEqual(1);
      expect(text, `at ${seq}`).not.toMatch(/stale|fauAlso/);
    }
    const message = await fold(events);
    expect(replyText(message)).toBe([P0, P1, P2].join("\n\n"));
    expect(message.parts.filter((p) => p.type === "text")).toHaveLength(1);
    for (let cursor = 0; cursor <= events.length; cursor++) {
      const before = allChunks(events.filter((e) => e.seq <= cursor));
      expect(await applyChunks([...before, ...chunksAfter(events, cursor)]), `continued at ${cursor}`).toEqual(message);
      const partial = (await applyChunks(before))!;
      expect(await applyChunks([...rebuildChunks(partial), ...chunksAfter(events, cursor)]), `rebuilt at ${cursor}`).toEqual(message);
    }
  });

  it("follows a review from requested to decided, and ends a stream at the chosen point", async () => {
    const events = log(
      { type: "run_started", customerId: "C-1002", input: "refund the roaming pass", attempt: 1 },
      { type: "review_requested", reviewId: "rv1", taskId: "t1", kind: "credit_over_limit", summary: "Credit of $85.00 exceeds the limit" },
      { type: "message_delta", attempt: 1, delta: "A specialist will review the $85.00 credit." },
      { type: "run_finished", status: "awaiting_review", reply: "A specialist will review the $85.00 credit.", tokensIn: 1, tokensOut: 1, latencyMs: 1 },
      { type: "review_decided", reviewId: "rv1", kind: "credit_over_limit", decision: "approved", by: "reviewer@switchboard.local", note: null },
      { type: "run_finished", status: "completed", reply: "A specialist will review the $85.00 credit.", tokensIn: 1, tokensOut: 1, latencyMs: 1 },
    );
    const atFinish = runStreamStateAt(RUN, events.slice(0, 4));
    expect([isStreamDone(atFinish, "finished"), isStreamDone(atFinish, "settled")]).toEqual([true, false]);
    const message = await fold(events);
    expect(dataParts(message, "review")).toEqual([
      { reviewId: "rv1", taskId: "t1", kind: "credit_over_limit", summary: "Credit of $85.00 exceeds the limit", status: "approved", note: null },
    ]);
    expect(dataParts(message, "run")[0].status).toBe("completed");
    expect(replyText(message)).toBe("A specialist will review the $85.00 credit.");
  });

  it("puts a review decided without a request (a run that failed for good) before the reply, and the final reply wins", async () => {
    const events = log(
      { type: "run_started", customerId: "C-1001", input: "hi", attempt: 3 },
      { type: "message_delta", attempt: 3, delta: "Partial answ" },
      { type: "run_finished", status: "failed", reply: "Sorry, something went wrong.", tokensIn: 0, tokensOut: 0, latencyMs: 5 },
      { type: "review_decided", reviewId: "rv9", kind: "worker_failure", decision: "approved", by: "x", note: null },
    );
    const message = await fold(events);
    expect(replyText(message)).toBe("Sorry, something went wrong.");
    expect(message.parts.at(-1)).toMatchObject({ type: "text", state: "done" });
    expect(dataParts(message, "review")).toEqual([{ reviewId: "rv9", taskId: null, kind: "worker_failure", summary: "", status: "approved", note: null }]);
    // A watcher continues the stored message itself once its reply is final (after run_finished).
    for (let cursor = 3; cursor <= events.length; cursor++) {
      const partial = (await applyChunks(allChunks(events.filter((e) => e.seq <= cursor))))!;
      expect(await applyChunks(chunksAfter(events, cursor), partial), `continued at ${cursor}`).toEqual(message);
    }
  });

  it("marks a run failed by a final run-level error, and a queued run with no events", async () => {
    const failed = await runMessageFromEvents(RUN, log({ type: "error", message: "boom", retryable: false }));
    expect(dataParts(failed, "run")[0].status).toBe("failed");
    const queued = await runMessageFromEvents(RUN, []);
    expect(dataParts(queued, "run")[0].status).toBe("queued");
    expect(queued.metadata).toMatchObject({ runId: RUN, cursor: 0 });
    const crashed = await runMessageFromEvents(RUN, log({ type: "run_started", customerId: "C-1001", input: "hi", attempt: 3 }), { status: "failed" });
    expect(dataParts(crashed, "run")[0].status).toBe("failed");
  });
});
