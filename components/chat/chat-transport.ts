import { parseJsonEventStream, type ChatTransport } from "ai";
import { z } from "zod";
import { sendMessage, type SendMessageError } from "@/app/(chat)/actions";
import { dataParts, rebuildChunks, type ChatChunk, type ChatMessage, type StreamUntil } from "@/lib/chat/ui-stream";
import { backoffMs, sleep } from "@/lib/backoff";

// The chat's side of the UI message stream. Sending calls the `sendMessage` server
// action, which starts the run and returns its id; the run's message then streams
// from GET /api/runs/<id>/stream. Every chunk position is a cursor (the last event's
// seq, in the message's metadata), so a dropped connection is picked up again from
// it inside the same stream, and a reload or a second tab rebuilds the message it
// has and continues from its cursor: nothing is shown twice or missed.

export type ChatErrorKind = SendMessageError | "network" | "run_gone";

/** An error the chat shows: `kind` says what the reader can do about it. */
export class ChatError extends Error {
  constructor(
    readonly kind: ChatErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ChatError";
  }
}

const chunkSchema = z.custom<ChatChunk>((v) => typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string");

const MAX_RETRIES = 6;

const connection = (state: "live" | "reconnecting"): ChatChunk => ({ type: "data-connection", id: "connection", data: { state }, transient: true });

/** The text of a user message. */
export function messageText(message: ChatMessage): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** Whether an assistant message shows a run that is still being worked on. */
export function isRunActive(message: ChatMessage | undefined): boolean {
  if (!message || message.role !== "assistant" || !message.metadata?.runId) return false;
  const status = dataParts(message, "run")[0]?.status;
  return status === "queued" || status === "running";
}

/**
 * Reads a run's message stream from `cursor` until its `finish`, reconnecting with
 * backoff from the last cursor it saw when the connection drops. `prefix` chunks go
 * first (a rebuilt message to continue).
 */
export function followRun(opts: {
  runId: string;
  cursor: number;
  until: StreamUntil;
  signal?: AbortSignal;
  prefix?: ChatChunk[];
}): ReadableStream<ChatChunk> {
  let cursor = opts.cursor;
  return new ReadableStream<ChatChunk>({
    async start(controller) {
      for (const c of opts.prefix ?? []) controller.enqueue(c);
      let failures = 0;
      while (!opts.signal?.aborted) {
        let finished = false;
        try {
          const res = await fetch(`/api/runs/${encodeURIComponent(opts.runId)}/stream?cursor=${cursor}&until=${opts.until}`, {
            signal: opts.signal,
            credentials: "same-origin",
            cache: "no-store",
          });
          if (res.status === 401) throw new ChatError("session_expired", "Your chat session has ended. Pick the customer again to continue.");
          if (res.status === 404) throw new ChatError("run_gone", "This conversation is no longer available. Reload the page.");
          if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
          if (failures > 0) controller.enqueue(connection("live"));
          for await (const parsed of parseJsonEventStream({ stream: res.body, schema: chunkSchema }) as unknown as AsyncIterable<{ success: boolean; value?: ChatChunk }>) {
            if (!parsed.success || !parsed.value) continue;
            const chunk = parsed.value;
            const meta = chunk.type === "start" || chunk.type === "message-metadata" ? chunk.messageMetadata : undefined;
            if (typeof meta?.cursor === "number") cursor = Math.max(cursor, meta.cursor);
            controller.enqueue(chunk);
            failures = 0;
            if (chunk.type === "finish") finished = true;
          }
          if (finished) return controller.close();
          // The server ended this stream early (it caps how long one stays open): go on from the cursor.
        } catch (err) {
          if (opts.signal?.aborted) break;
          if (err instanceof ChatError) return controller.error(err);
          if (++failures > MAX_RETRIES) {
            return controller.error(new ChatError("network", "Lost the connection to Switchboard. Your request is still being handled: retry to catch up."));
          }
          controller.enqueue(connection("reconnecting"));
          await sleep(backoffMs(failures, { baseMs: 500, maxMs: 8_000 }));
        }
      }
      try {
        controller.close();
      } catch {}
    },
  });
}

/** useChat's transport: the server action starts the run, the run's stream carries the reply. */
export class RunChatTransport implements ChatTransport<ChatMessage> {
  constructor(
    private readonly chat: {
      conversationId(): string | null;
      onConversation(conversationId: string): void;
      messages(): ChatMessage[];
      /** Called when the session has ended (the widget asks its host page for a fresh token); true to send once more. */
      renewSession?(): Promise<boolean>;
    },
  ) {}

  async sendMessages({ messages, abortSignal }: Parameters<ChatTransport<ChatMessage>["sendMessages"]>[0]): Promise<ReadableStream<ChatChunk>> {
    const last = messages.findLast((m) => m.role === "user");
    if (!last) throw new ChatError("invalid_input", "There is no message to send.");
    let res = await this.send(last);
    if (!res.ok && res.error === "session_expired" && (await this.chat.renewSession?.())) res = await this.send(last);
    if (!res.ok) throw new ChatError(res.error, res.message);
    this.chat.onConversation(res.conversationId);
    return followRun({ runId: res.runId, cursor: 0, until: "finished", signal: abortSignal });
  }

  private async send(last: ChatMessage): Promise<Awaited<ReturnType<typeof sendMessage>>> {
    try {
      // The message id is the idempotency key: a retry of the same message never starts a second run.
      return await sendMessage({ message: messageText(last), conversationId: this.chat.conversationId(), idempotencyKey: last.id });
    } catch {
      throw new ChatError("network", "Could not reach Switchboard. Check your connection, then retry.");
    }
  }

  /** After a reload or in a second tab: continues the last run's message from its cursor, if it is still running. */
  async reconnectToStream({ abortSignal }: Parameters<ChatTransport<ChatMessage>["reconnectToStream"]>[0]): Promise<ReadableStream<ChatChunk> | null> {
    // The last run's message (a follow-up for an earlier run may come after it).
    const last = this.chat.messages().findLast((m) => m.role === "assistant" && m.metadata?.runId);
    if (!last || !isRunActive(last)) return null;
    return followRun({ runId: last.metadata!.runId!, cursor: last.metadata?.cursor ?? 0, until: "finished", signal: abortSignal, prefix: rebuildChunks(last) });
  }
}
