import type { Db } from "../db/client";
import { listFollowUps } from "../db/queries/conversations";
import { getRunForViewer } from "../db/queries/runs";
import { log } from "../log";
import { customerView, type StoredRunEvent } from "../orchestrator/events";
import { listEvents } from "../orchestrator/store";
import { followRunEvents, type FollowDeps } from "./run-follower";
import { isStreamDone, mapRunEvents, openingChunks, runStreamStateAt, type ChatChunk, type RunStreamState, type StreamUntil } from "./ui-stream";

export type RunStreamOptions = {
  runId: string;
  /** The seq of the last event the reader already has (0: everything). */
  cursor: number;
  until: StreamUntil;
  viewer: "customer" | "staff";
  signal: AbortSignal;
  /** How long one stream may stay open; the reader then resumes from its cursor. */
  maxMs?: number;
};

/** How often an idle stream checks that its run has not ended without a final event. */
const STALL_CHECK_MS = 15_000;

/**
 * A run's message as a UI message stream, from the reader's cursor: what is stored
 * after it, then live events as they are stored, until the run is finished (or, with
 * `until: "settled"`, until nothing of it waits for a person). Follow-up messages
 * added by review decisions travel as transient `data-followup` parts: they are
 * messages of their own, not parts of the run's message.
 */
export function runMessageStream(deps: FollowDeps, opts: RunStreamOptions): ReadableStream<ChatChunk> {
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal.addEventListener("abort", onAbort);
  const shown = (events: StoredRunEvent[]) => (opts.viewer === "staff" ? events : events.map(customerView));

  return new ReadableStream<ChatChunk>({
    async start(controller) {
      let open = true;
      const send = (chunks: ChatChunk[]) => {
        for (const c of chunks) if (open) controller.enqueue(c);
      };
      const end = () => {
        if (!open) return;
        open = false;
        opts.signal.removeEventListener("abort", onAbort);
        controller.close();
      };
      try {
        const run = await getRunForViewer({ db: deps.db, runId: opts.runId });
        if (!run) return end();
        const stored = shown(await listEvents(deps.db, opts.runId));
        const state = runStreamStateAt(opts.runId, stored.filter((e) => e.seq <= opts.cursor), { conversationId: run.conversationId });
        send(openingChunks(state));
        const deliver = async (events: StoredRunEvent[]) => {
          // Follow-ups first: a reader may stop listening as soon as the run shows as settled.
          if (events.some((e) => e.type === "review_decided")) send(await followUpChunks(deps.db, opts.runId));
          send(mapRunEvents(state, events));
        };
        await deliver(stored.filter((e) => e.seq > opts.cursor));
        if (isStreamDone(state, opts.until)) {
          send([{ type: "finish" }]);
          return end();
        }
        let checkedAt = Date.now();
        for await (const batch of followRunEvents(deps, { runId: opts.runId, after: state.cursor, signal: abort.signal, maxMs: opts.maxMs })) {
          if (batch.length > 0) await deliver(shown(batch));
          else if (Date.now() - checkedAt >= STALL_CHECK_MS) {
            checkedAt = Date.now();
            await markFailedWithoutEvent(deps.db, state, send);
          }
          if (isStreamDone(state, opts.until)) {
            send([{ type: "finish" }]);
            break;
          }
        }
      } catch (err) {
        // The 200 is already sent: the reader sees the stream end without `finish` and resumes from its cursor.
        if (!abort.signal.aborted) log.error({ err, runId: opts.runId }, "run message stream failed");
      }
      end();
    },
    cancel() {
      abort.abort();
      opts.signal.removeEventListener("abort", onAbort);
    },
  });
}

/** A run can end failed without its final event reaching the log (a crash while failing). */
async function markFailedWithoutEvent(db: Db, state: RunStreamState, send: (c: ChatChunk[]) => void) {
  const run = await getRunForViewer({ db, runId: state.runId });
  if (run?.status === "failed" && state.run.status !== "failed") {
    state.run = { ...state.run, status: "failed" };
    send([{ type: "data-run", id: "run", data: { ...state.run } }]);
  }
}

async function followUpChunks(db: Db, runId: string): Promise<ChatChunk[]> {
  const rows = await listFollowUps({ db, runId });
  return rows.map((m) => ({
    type: "data-followup",
    id: m.id,
    transient: true,
    data: { messageId: m.id, runId, text: m.content, at: m.createdAt.toISOString() },
  }));
}
