import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { streamLimits } from "./rate-limits";
import { holdWhileStreaming, openStreams, STREAM_RETRY_AFTER_SECONDS, takeStreamSlots } from "./stream-slots";

let n = 0;
/** Keys of their own per test: the counts are per process. */
const keys = () => {
  n += 1;
  return { who: `principal:test-${n}`, ip: `ip:test-${n}` };
};

function take(k: { who: string; ip: string }, maxWho = 2, maxIp = 3) {
  return takeStreamSlots([
    { which: "streams_per_principal", key: k.who, max: maxWho },
    { which: "streams_per_ip", key: k.ip, max: maxIp },
  ]);
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error("expected a refusal");
}

/** A streaming body the test controls. */
function controlled() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { res: new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }), controller };
}

describe("takeStreamSlots", () => {
  it("counts open streams per key and refuses past a cap with 429 rate_limited:stream and Retry-After, holding nothing", () => {
    const k = keys();
    const a = take(k);
    take(k);
    const err = refusal(() => take(k));
    expect(err.status).toBe(429);
    expect(err.code).toBe("rate_limited:stream");
    expect(err.headers["retry-after"]).toBe(String(STREAM_RETRY_AFTER_SECONDS));
    expect(err.details).toMatchObject({ limit: "streams_per_principal", max: 2 });
    // All or nothing: the refused one took no address slot either.
    expect(openStreams(k.ip)).toBe(2);
    a.release();
    a.release(); // twice is once
    expect(openStreams(k.who)).toBe(1);
    expect(openStreams(k.ip)).toBe(1);
    take(k);
  });

  it("names the address cap when that is the one reached; a cap of 0 is off", () => {
    const k = keys();
    take({ ...k, who: `${k.who}-a` }, 5, 2);
    take({ ...k, who: `${k.who}-b` }, 5, 2);
    expect(refusal(() => take({ ...k, who: `${k.who}-c` }, 5, 2)).details).toMatchObject({ limit: "streams_per_ip", max: 2 });
    for (let i = 0; i < 20; i++) take(k, 0, 0);
    expect(openStreams(k.who)).toBe(0);
  });
});

describe("holdWhileStreaming", () => {
  const reasons: Array<[string, (s: ReturnType<typeof controlled>, res: Response, abort: AbortController) => Promise<void>]> = [
    ["the stream ends", async (s, res) => {
      s.controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
      s.controller.close();
      expect(await res.text()).toBe("data: 1\n\n");
    }],
    ["the reader cancels", async (_s, res) => {
      await res.body!.cancel();
    }],
    ["the request aborts (the client went away)", async (_s, _res, abort) => {
      abort.abort();
    }],
    ["the stream errors", async (s, res) => {
      s.controller.error(new Error("boom"));
      await expect(res.text()).rejects.toThrow("boom");
    }],
  ];

  it.each(reasons)("gives the slots back when %s", async (_label, end) => {
    const k = keys();
    const slots = take(k);
    const s = controlled();
    const abort = new AbortController();
    const res = holdWhileStreaming(s.res, slots, abort.signal);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(openStreams(k.who)).toBe(1);
    await end(s, res, abort);
    expect(openStreams(k.who)).toBe(0);
    expect(openStreams(k.ip)).toBe(0);
  });

  it("gives them back at once for a response without a body, or a request already aborted", () => {
    const k = keys();
    holdWhileStreaming(new Response(null, { status: 204 }), take(k), new AbortController().signal);
    expect(openStreams(k.who)).toBe(0);
    holdWhileStreaming(controlled().res, take(k), AbortSignal.abort());
    expect(openStreams(k.who)).toBe(0);
  });
});

describe("streamLimits", () => {
  it("defaults to 10 per principal and 50 per address, takes whole numbers (0 is off) and refuses anything else", () => {
    expect(streamLimits({})).toEqual({ perPrincipal: 10, perIp: 50 });
    expect(streamLimits({ STREAM_MAX_PER_PRINCIPAL: "3", STREAM_MAX_PER_IP: "0" })).toEqual({ perPrincipal: 3, perIp: 0 });
    expect(streamLimits({ STREAM_MAX_PER_PRINCIPAL: " " })).toEqual({ perPrincipal: 10, perIp: 50 });
    for (const bad of ["-1", "1.5", "ten"]) {
      expect(() => streamLimits({ STREAM_MAX_PER_IP: bad }), bad).toThrow(`STREAM_MAX_PER_IP must be a whole number of 0 or more (0 turns the limit off), got "${bad}"`);
    }
  });
});
