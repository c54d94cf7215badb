import { ApiError } from "./errors";

// How many event streams are open right now, per key ("principal:customer:C-1001",
// "ip:203.0.113.9"), in this app process. A stream takes a slot for each of its keys
// before it starts and gives them back when it ends, however it ends: the body read to
// its end, the client gone (the request aborted, the body cancelled) or an error. A
// caller past a cap gets 429 rate_limited:stream.
//
// Counted per process, not in the database: a slot is a live connection of this
// process, which a crash frees with it, and a row would outlive it. With N app
// processes behind a load balancer a principal can hold up to N × the cap.
//
// The counts live on globalThis: Next.js may load this module more than once in one
// process (route handlers in separate chunk groups), and every copy must see one count.

const COUNTS = Symbol.for("switchboard.streamSlots");
type Global = { [COUNTS]?: Map<string, number> };

function counts(): Map<string, number> {
  const g = globalThis as Global;
  g[COUNTS] ??= new Map();
  return g[COUNTS];
}

/** How long a refused client should wait before it tries again (a slot frees as soon as any stream of its ends). */
export const STREAM_RETRY_AFTER_SECONDS = 5;

export type SlotRequest = {
  /** Which cap this is, for the 429's details.limit. */
  which: string;
  key: string;
  /** At most this many open at once; 0 turns the cap off. */
  max: number;
};

/** Slots held by one stream; `release` gives them back, once, however often it is called. */
export type StreamSlots = { release(): void };

/** Open streams on a key right now (tests and diagnostics). */
export function openStreams(key: string): number {
  return counts().get(key) ?? 0;
}

/**
 * Takes one slot on every key, or none: past any cap, throws 429 rate_limited:stream
 * with Retry-After and which cap it was, and holds nothing.
 */
export function takeStreamSlots(requests: SlotRequest[]): StreamSlots {
  const map = counts();
  const capped = requests.filter((r) => r.max > 0);
  const full = capped.find((r) => (map.get(r.key) ?? 0) >= r.max);
  if (full) {
    throw new ApiError("rate_limited:stream", `Too many open event streams (at most ${full.max}). Close one, or try again in ${STREAM_RETRY_AFTER_SECONDS} s.`, {
      details: { limit: full.which, max: full.max, retryAfterSeconds: STREAM_RETRY_AFTER_SECONDS },
      headers: { "retry-after": String(STREAM_RETRY_AFTER_SECONDS) },
    });
  }
  for (const r of capped) map.set(r.key, (map.get(r.key) ?? 0) + 1);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      for (const r of capped) {
        const n = (map.get(r.key) ?? 1) - 1;
        if (n > 0) map.set(r.key, n);
        else map.delete(r.key);
      }
    },
  };
}

/**
 * The response with its body wrapped so that the slots are released when the stream
 * ends: read to its end, errored, cancelled by the reader, or its request aborted (the
 * client went away). A response without a body releases them at once.
 */
export function holdWhileStreaming(res: Response, slots: StreamSlots, signal: AbortSignal): Response {
  const body = res.body;
  if (!body) {
    slots.release();
    return res;
  }
  if (signal.aborted) slots.release();
  else signal.addEventListener("abort", () => slots.release(), { once: true });
  const reader = body.getReader();
  const wrapped = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          slots.release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        slots.release();
        controller.error(err);
      }
    },
    cancel(reason) {
      slots.release();
      return reader.cancel(reason);
    },
  });
  return new Response(wrapped, { status: res.status, statusText: res.statusText, headers: res.headers });
}
