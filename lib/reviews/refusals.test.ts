import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../log";
import { busyAsRefusal, REFUSAL_MESSAGES, reviewRefusal, reviewRefusalError } from "./refusals";

afterEach(() => vi.restoreAllMocks());

// A reviewer's decision on a database too busy to do it in time: a sentence on the page
// and a 503 with Retry-After on the API, never a 500 (chaos retry_kill saw 500s here).

const expired = () =>
  Object.assign(new Error("Transaction API error: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5346 ms passed."), { code: "P2028" });

describe("review refusals", () => {
  it("turns a transaction that ran out of time into the busy refusal, and lets other errors through", async () => {
    vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const busy = await busyAsRefusal(async () => { throw expired(); });
    expect(busy).toEqual({ ok: false, refusal: { code: "busy", message: expect.stringMatching(/too busy.*try again/i) } });
    await expect(busyAsRefusal(async () => { throw new TypeError("a bug"); })).rejects.toThrow("a bug");
    expect(await busyAsRefusal(async () => ({ ok: true as const }))).toEqual({ ok: true });
  });

  it("answers busy as 503 with Retry-After and the others with their own status", async () => {
    vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const busy = await busyAsRefusal(async () => { throw expired(); });
    if (!("refusal" in busy)) throw new Error("expected a refusal");
    const res = reviewRefusalError(busy.refusal).toResponse();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await res.json()).toEqual({ error: { code: "unavailable:review", message: busy.refusal.message, details: { reason: "busy" } } });

    const stale = reviewRefusalError(reviewRefusal("stale")).toResponse();
    expect(stale.status).toBe(409);
    expect(stale.headers.get("retry-after")).toBeNull();
    expect((await stale.json()).error.message).toBe(REFUSAL_MESSAGES.stale);
  });
});
