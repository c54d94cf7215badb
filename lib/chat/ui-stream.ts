import { readUIMessageStream, type InferUIMessageChunk, type UIMessage } from "ai";
import { joinReplyParts, type Plan, type ReviewKind, type ReviewStatus, type RunStatus, type WorkerName, type WorkerOutcome } from "../contracts";
import type { StoredRunEvent } from "../orchestrator/events";

// The one mapping from a run's stored events to the AI SDK's UI message stream.
// Each run is one assistant message (`run-<runId>`) whose data parts are updated in
// place by id: the run's status, the plan, one part per worker task, one per tool
// call and one per review, plus a single text part for the reply. The mapping is a
// pure fold: the state after the events up to a cursor is all it needs to continue
// from that cursor, so a reconnect resumes exactly, with nothing repeated or lost.
//
// Message layout: [data parts…, step-start, text]. The reply text always sits alone
// in the last step, so a newer attempt's reply replaces it with `reset-step` (which
// removes the current step's parts). A data part first seen after the text exists is
// inserted before it the same way: reset, the new part, then the text again.

export type WorkerStatus = "running" | WorkerOutcome;

export type ProgressLine = { seq: number; kind: "tool" | "note" | "error"; text: string; toolCallId?: string };

export type RunData = {
  status: RunStatus;
  attempt: number;
  tokens: number | null;
  latencyMs: number | null;
  /** Problems of the run itself and of its workers, in order. */
  errors: { seq: number; message: string; retryable: boolean; taskId: string | null }[];
};

export type WorkerData = {
  taskId: string;
  worker: WorkerName;
  instruction: string;
  status: WorkerStatus;
  attempt: number;
  progress: ProgressLine[];
  summary: string | null;
  confidence: number | null;
  tokens: number | null;
  latencyMs: number | null;
  cacheHit: boolean;
  error: string | null;
};

export type ToolData = {
  toolCallId: string;
  taskId: string;
  worker: WorkerName;
  tool: string;
  state: "called" | "succeeded" | "failed";
  args: unknown;
  result?: unknown;
};

export type ReviewData = {
  reviewId: string;
  taskId: string | null;
  kind: ReviewKind;
  summary: string;
  status: ReviewStatus;
  /** A reviewer's note; staff only (null in a customer's stream). */
  note: string | null;
};

/** A person's follow-up after a review decision: its own message in the conversation. */
export type FollowUpData = { messageId: string; runId: string; text: string; at: string };

/** The browser's own connection state (written by the transport, never stored). */
export type ConnectionData = { state: "live" | "reconnecting" };

export type ChatDataParts = {
  run: RunData;
  plan: Plan;
  worker: WorkerData;
  tool: ToolData;
  review: ReviewData;
  followup: FollowUpData;
  connection: ConnectionData;
};

export type ChatMetadata = {
  /** The run this assistant message shows. */
  runId?: string;
  conversationId?: string;
  /** The seq of the last event folded into this message: a reconnect resumes after it. */
  cursor?: number;
  /** The attempt whose reply the text part holds (its id is `reply-<attempt>`). */
  replyAttempt?: number;
  /** For a follow-up message: the run whose review it follows. */
  followUpOf?: string;
  createdAt?: string;
};

export type ChatMessage = UIMessage<ChatMetadata, ChatDataParts>;
export type ChatChunk = InferUIMessageChunk<ChatMessage>;

/** Where a stream of a run ends: at its first run_finished, or once nothing waits for a person. */
export type StreamUntil = "finished" | "settled";

export type RunStreamState = {
  runId: string;
  conversationId?: string;
  cursor: number;
  run: RunData;
  plan: Plan | null;
  workers: Map<string, WorkerData>;
  tools: Map<string, ToolData>;
  reviews: Map<string, ReviewData>;
  /** The reply text part, when there is one. */
  reply: ReplyState | null;
};

/**
 * The reply as shown: `text` is what the text part holds. A reply written in parts
 * (progressive synthesis) is the final parts (`done`, by index, kept across attempts)
 * followed by the part being streamed (`part`, its `partText` in `attempt`).
 */
export type ReplyState = { attempt: number; text: string; open: boolean; done: string[]; part: number; partText: string };

function runMessageId(runId: string): string {
  return `run-${runId}`;
}

function replyTextId(attempt: number): string {
  return `reply-${attempt}`;
}

export function createRunStreamState(runId: string, opts: { conversationId?: string } = {}): RunStreamState {
  return {
    runId,
    conversationId: opts.conversationId,
    cursor: 0,
    run: { status: "queued", attempt: 0, tokens: null, latencyMs: null, errors: [] },
    plan: null,
    workers: new Map(),
    tools: new Map(),
    reviews: new Map(),
    reply: null,
  };
}

/**
 * The chunks that open a stream of the run's message at the state's cursor: `start`
 * with the message id and metadata, and at cursor 0 the run's status part.
 */
export function openingChunks(state: RunStreamState): ChatChunk[] {
  const chunks: ChatChunk[] = [{ type: "start", messageId: runMessageId(state.runId), messageMetadata: metadataOf(state) }];
  if (state.cursor === 0) chunks.push(runChunk(state));
  return chunks;
}

/** Folds events into the state and returns the chunks that carry them; events at or below the cursor are skipped. */
export function mapRunEvents(state: RunStreamState, events: readonly StoredRunEvent[]): ChatChunk[] {
  const chunks: ChatChunk[] = [];
  for (const e of events) {
    if (e.seq <= state.cursor) continue;
    state.cursor = e.seq;
    mapEvent(state, e, chunks);
  }
  if (chunks.length > 0) chunks.push({ type: "message-metadata", messageMetadata: metadataOf(state) });
  return chunks;
}

/** Whether the run's stream is over at this state (see StreamUntil). */
export function isStreamDone(state: RunStreamState, until: StreamUntil): boolean {
  const s = state.run.status;
  return s === "completed" || s === "failed" || (until === "finished" && s === "awaiting_review");
}

function metadataOf(state: RunStreamState): ChatMetadata {
  return {
    runId: state.runId,
    ...(state.conversationId ? { conversationId: state.conversationId } : {}),
    cursor: state.cursor,
    ...(state.reply ? { replyAttempt: state.reply.attempt } : {}),
  };
}

function runChunk(state: RunStreamState): ChatChunk {
  return { type: "data-run", id: "run", data: { ...state.run, errors: [...state.run.errors] } };
}

/** The reply as the last step: start-step, the text so far, and text-end once it is final. */
function textChunks(reply: NonNullable<RunStreamState["reply"]>, withStep: boolean): ChatChunk[] {
  const id = replyTextId(reply.attempt);
  return [
    ...(withStep ? [{ type: "start-step" } as const] : []),
    { type: "text-start", id },
    ...(reply.text ? [{ type: "text-delta" as const, id, delta: reply.text }] : []),
    ...(reply.open ? [] : [{ type: "text-end" as const, id }]),
  ];
}

/** A data part; one seen for the first time after the reply exists goes before the reply's step. */
function pushPart(state: RunStreamState, chunks: ChatChunk[], chunk: ChatChunk, isNew: boolean) {
  if (isNew && state.reply) chunks.push({ type: "reset-step" }, chunk, ...textChunks(state.reply, true));
  else chunks.push(chunk);
}

function putWorker(state: RunStreamState, chunks: ChatChunk[], taskId: string, fn: (w: WorkerData) => WorkerData) {
  const known = state.workers.get(taskId);
  if (!known) return;
  const next = fn(known);
  state.workers.set(taskId, next);
  pushPart(state, chunks, { type: "data-worker", id: taskId, data: next }, false);
}

function putTool(state: RunStreamState, chunks: ChatChunk[], tool: ToolData) {
  const isNew = !state.tools.has(tool.toolCallId);
  state.tools.set(tool.toolCallId, tool);
  pushPart(state, chunks, { type: "data-tool", id: tool.toolCallId, data: tool }, isNew);
}

function putReview(state: RunStreamState, chunks: ChatChunk[], review: ReviewData) {
  const isNew = !state.reviews.has(review.reviewId);
  state.reviews.set(review.reviewId, review);
  pushPart(state, chunks, { type: "data-review", id: review.reviewId, data: review }, isNew);
}

function mapEvent(state: RunStreamState, e: StoredRunEvent, chunks: ChatChunk[]) {
  switch (e.type) {
    case "run_started":
      // A resumed attempt is running again, whatever an earlier retryable error said.
      state.run = { ...state.run, status: "running", attempt: e.attempt };
      chunks.push(runChunk(state));
      return;
    case "plan": {
      const isNew = state.plan === null;
      state.plan = e.plan;
      pushPart(state, chunks, { type: "data-plan", id: "plan", data: e.plan }, isNew);
      return;
    }
    case "worker_started": {
      const known = state.workers.get(e.taskId);
      const progress = known?.progress ?? [];
      const worker: WorkerData = {
        taskId: e.taskId, worker: e.worker, instruction: e.instruction, status: "running", attempt: e.attempt,
        progress: known && e.attempt > 1 ? [...progress, { seq: e.seq, kind: "note", text: `Retrying (attempt ${e.attempt})` }] : progress,
        summary: null, confidence: null, tokens: null, latencyMs: null, cacheHit: false, error: null,
      };
      state.workers.set(e.taskId, worker);
      pushPart(state, chunks, { type: "data-worker", id: e.taskId, data: worker }, !known);
      return;
    }
    case "tool_call":
      putTool(state, chunks, { toolCallId: e.toolCallId, taskId: e.taskId, worker: e.worker, tool: e.tool, state: "called", args: e.args });
      putWorker(state, chunks, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "tool", text: e.tool, toolCallId: e.toolCallId }] }));
      return;
    case "tool_result": {
      const call = state.tools.get(e.toolCallId);
      putTool(state, chunks, {
        toolCallId: e.toolCallId, taskId: e.taskId, worker: e.worker, tool: e.tool, args: call?.args ?? null,
        state: e.isError ? "failed" : "succeeded", result: e.result,
      });
      if (e.isError) putWorker(state, chunks, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "error", text: `${e.tool} returned an error`, toolCallId: e.toolCallId }] }));
      return;
    }
    case "worker_partial":
      putWorker(state, chunks, e.taskId, (w) => ({ ...w, progress: [...w.progress, { seq: e.seq, kind: "note", text: e.text }] }));
      return;
    case "worker_finished":
      putWorker(state, chunks, e.taskId, (w) => ({
        ...w, status: e.outcome, attempt: e.attempt, summary: e.summary || null, confidence: e.confidence,
        tokens: e.tokensIn + e.tokensOut, latencyMs: e.latencyMs, cacheHit: e.cacheHit, error: e.error ?? null,
      }));
      return;
    case "review_requested":
      if (state.reviews.has(e.reviewId)) return;
      putReview(state, chunks, { reviewId: e.reviewId, taskId: e.taskId, kind: e.kind, summary: e.summary, status: "pending", note: null });
      return;
    case "review_decided": {
      // A run that failed for good asks for a review without a review_requested event.
      const known = state.reviews.get(e.reviewId);
      putReview(state, chunks, { reviewId: e.reviewId, taskId: known?.taskId ?? null, kind: e.kind, summary: known?.summary ?? "", status: e.decision, note: e.note });
      return;
    }
    case "message_delta":
      mapDelta(state, e.attempt, e.part ?? 0, e.delta, chunks);
      return;
    case "reply_part":
      mapReplyPart(state, e.attempt, e.index, e.text, chunks);
      return;
    case "run_finished":
      if (e.reply) settleReply(state, e.reply, chunks);
      else if (state.reply?.open) {
        state.reply.open = false;
        chunks.push({ type: "text-end", id: replyTextId(state.reply.attempt) });
      }
      state.run = { ...state.run, status: e.status, tokens: e.tokensIn + e.tokensOut, latencyMs: e.latencyMs };
      chunks.push(runChunk(state));
      return;
    case "error": {
      const final = !e.taskId && !e.retryable;
      state.run = {
        ...state.run,
        status: final ? "failed" : state.run.status,
        errors: [...state.run.errors, { seq: e.seq, message: e.message, retryable: e.retryable, taskId: e.taskId ?? null }],
      };
      chunks.push(runChunk(state));
      return;
    }
  }
}

/** The final parts before `part`, and the blank line that separates them from it. */
function partsBefore(done: readonly string[], part: number): string {
  const before = joinReplyParts(done.slice(0, part));
  return before ? `${before}\n\n` : "";
}

/**
 * Shows `text` as the reply: a text-delta when it extends what is shown, otherwise the
 * reply's step is rebuilt (`reset-step`) under the text id of `attempt`.
 */
function showReply(state: RunStreamState, next: Omit<ReplyState, "text" | "open">, text: string, open: boolean, chunks: ChatChunk[]) {
  const shown = state.reply;
  state.reply = { ...next, text, open };
  if (!shown) {
    chunks.push(...textChunks(state.reply, true));
  } else if (shown.text === text && shown.open === open && shown.attempt === next.attempt) {
    // Already shown as it is (a second run_finished after a review, a part as it streamed).
  } else if (shown.open && shown.attempt === next.attempt && text.startsWith(shown.text)) {
    const id = replyTextId(shown.attempt);
    if (text.length > shown.text.length) chunks.push({ type: "text-delta", id, delta: text.slice(shown.text.length) });
    if (!open) chunks.push({ type: "text-end", id });
  } else {
    // A newer attempt, or a stored part that differs from what streamed (the step keeps its step-start).
    chunks.push({ type: "reset-step" }, ...textChunks(state.reply, false));
  }
}

/**
 * Only the highest attempt's streaming text is shown; final parts stay whatever the
 * attempt, so a run resumed in the middle of its reply shows what the customer read
 * once, and replaces only the part that was cut off.
 */
function mapDelta(state: RunStreamState, attempt: number, part: number, delta: string, chunks: ChatChunk[]) {
  const reply = state.reply;
  if (reply && attempt < reply.attempt) return;
  const done = reply?.done ?? [];
  const same = reply && reply.attempt === attempt && reply.part === part;
  const partText = (same ? reply.partText : "") + delta;
  showReply(state, { attempt, done, part, partText }, partsBefore(done, part) + partText, true, chunks);
}

/** A part of the reply is final: it is shown as stored, and the next part follows it. */
function mapReplyPart(state: RunStreamState, attempt: number, index: number, text: string, chunks: ChatChunk[]) {
  const reply = state.reply;
  const done = [...(reply?.done ?? [])];
  done[index] = text;
  const shownAttempt = Math.max(reply?.attempt ?? attempt, attempt);
  // The part streaming now, when it is a later one than this (another attempt's), stays after it.
  const streaming = reply && reply.part > index && reply.attempt === shownAttempt ? reply.partText : "";
  const part = streaming ? reply!.part : index + 1;
  const shown = joinReplyParts(done.slice(0, part));
  showReply(state, { attempt: shownAttempt, done, part, partText: streaming }, streaming ? `${shown}\n\n${streaming}` : shown, true, chunks);
}

/** The final reply wins over what streamed (e.g. a run that failed for good says so). */
function settleReply(state: RunStreamState, final: string, chunks: ChatChunk[]) {
  const reply = state.reply;
  const next = reply ?? { attempt: Math.max(state.run.attempt, 1), done: [], part: 0, partText: "" };
  showReply(state, next, final, false, chunks);
}

/** The state after the given events, as a stream resuming after them needs it. */
export function runStreamStateAt(runId: string, events: readonly StoredRunEvent[], opts: { conversationId?: string } = {}): RunStreamState {
  const state = createRunStreamState(runId, opts);
  mapRunEvents(state, events);
  return state;
}

/**
 * The chunks that rebuild a message exactly as it is, so a fresh stream state (after a
 * reload or in a second tab) can continue it from its cursor: the parts in order,
 * step boundaries included, and the reply still open if it was streaming.
 */
export function rebuildChunks(message: ChatMessage): ChatChunk[] {
  const chunks: ChatChunk[] = [{ type: "start", messageId: message.id, messageMetadata: message.metadata }];
  const textId = replyTextId(message.metadata?.replyAttempt ?? 1);
  for (const part of message.parts) {
    if (part.type === "step-start") chunks.push({ type: "start-step" });
    else if (part.type === "text") {
      chunks.push({ type: "text-start", id: textId });
      if (part.text) chunks.push({ type: "text-delta", id: textId, delta: part.text });
      if (part.state !== "streaming") chunks.push({ type: "text-end", id: textId });
    } else if (part.type.startsWith("data-")) chunks.push(part as ChatChunk);
  }
  return chunks;
}

/** Applies chunks to a message (or to a new one) the way useChat does, and returns the result. */
export async function applyChunks(chunks: readonly ChatChunk[], message?: ChatMessage): Promise<ChatMessage | undefined> {
  const stream = new ReadableStream<ChatChunk>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  let last: ChatMessage | undefined = message;
  for await (const m of readUIMessageStream<ChatMessage>({ message: message && structuredClone(message), stream, terminateOnError: true })) last = m;
  return last;
}

/** A run's message folded from its stored events (the chat page's history). */
export async function runMessageFromEvents(runId: string, events: readonly StoredRunEvent[], opts: { conversationId?: string; status?: RunStatus } = {}): Promise<ChatMessage> {
  const state = createRunStreamState(runId, opts);
  const chunks = [...openingChunks(state), ...mapRunEvents(state, events)];
  // The run's row has the last word when its log stops short of an ending (a crash
  // while failing, or a run put in place without events).
  const open = state.run.status === "queued" || state.run.status === "running";
  if (opts.status && opts.status !== "queued" && opts.status !== "running" && open) {
    state.run = { ...state.run, status: opts.status };
    chunks.push(runChunk(state));
  }
  const message = await applyChunks(chunks);
  if (!message) throw new Error(`no message for run ${runId}`);
  return message;
}

/** The data parts of one type in a message, in order. */
export function dataParts<K extends keyof ChatDataParts>(message: ChatMessage, type: K): ChatDataParts[K][] {
  return message.parts.filter((p) => p.type === `data-${type}`).map((p) => (p as unknown as { data: ChatDataParts[K] }).data);
}

/** The message's reply text (its one text part). */
export function replyText(message: ChatMessage): string {
  return message.parts.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join("");
}

/** A follow-up after a review decision, as a message of its own. */
export function followUpMessage(f: FollowUpData): ChatMessage {
  return {
    id: f.messageId,
    role: "assistant",
    metadata: { followUpOf: f.runId, createdAt: f.at },
    parts: [{ type: "text", text: f.text, state: "done" }],
  };
}
