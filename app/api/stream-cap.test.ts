import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { fixedClock } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { installPeerStamp, PEER_HEADER, peerStampValue } from "@/lib/http/client-address";
import { openStreams } from "@/lib/http/stream-slots";
import { localModels } from "@/lib/models/registry";
import { createEngine, submitMessage } from "@/lib/orchestrator/engine";
import { claimRun, createRun } from "@/lib/orchestrator/store";
import { inject, resetTestWorld, useTestDb } from "@/test/db";
import { inRequestScope } from "@/test/next-request-scope";
import { staffSessionCookie } from "@/test/staff-session";

// The cap on concurrent event streams, through the three streaming route handlers
// themselves (the proxy is not in front), against the real database and with the real
// next-auth session check: how many one customer, one staff member and one client
// address may hold open, the 429 past it, and the slot freed however a stream ends.
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/test/next-request-scope")).nextHeadersStandIn());

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const AUTH_SECRET = "stream-cap-auth-secret-0123456789abcdef";

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
let runEvents: Handler;
let runStream: Handler;
let reviewEvents: Handler;

beforeAll(async () => {
  // Requests carry the address the server's socket stamp would (lib/http/client-address).
  installPeerStamp();
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.AUTH_SECRET = AUTH_SECRET;
  runEvents = (await import("./runs/[id]/events/route")).GET as unknown as Handler;
  runStream = (await import("./runs/[id]/stream/route")).GET as unknown as Handler;
  reviewEvents = (await import("./reviews/events/route")).GET as unknown as Handler;
});
afterAll(async () => {
  await getDb().$disconnect();
  await (globalThis as { switchboardWakeups?: { close(): Promise<void> } }).switchboardWakeups?.close();
});

type Open = { res: Response; close(): void };
let opened: Open[] = [];

beforeEach(async () => {
  await resetTestWorld(db);
  opened = [];
});
afterEach(() => {
  for (const o of opened) o.close();
  delete process.env.STREAM_MAX_PER_PRINCIPAL;
  delete process.env.STREAM_MAX_PER_IP;
});

/** Calls a streaming handler as a client at `ip` would; the caller closes it (abort, as a client going away). */
async function open(handler: Handler, path: string, headers: Record<string, string>, ip = "198.51.100.7", id = ""): Promise<Open> {
  const abort = new AbortController();
  const req = new Request(`${APP}${path}`, { headers: { [PEER_HEADER]: peerStampValue(ip), "x-forwarded-proto": "http", "x-forwarded-host": "127.0.0.1:3000", ...headers }, signal: abort.signal });
  const { result: res } = await inRequestScope(req, () => handler(req, { params: Promise.resolve({ id }) }));
  const o = { res, close: () => abort.abort() };
  opened.push(o);
  return o;
}

/** A run of `customerId` at work that never finishes on its own: its streams stay open. */
async function runningRun(customerId: string): Promise<string> {
  const { run } = await createRun(db, { customerId, message: "check my bill" });
  expect(await claimRun(db, run.id, "test-owner", 600_000, new Date())).not.toBeNull();
  return run.id;
}

const bearer = async (customerId: string) => ({ authorization: `Bearer ${await issueCustomerToken(customerId)}` });
const statuses = (all: Open[]) => all.map((o) => o.res.status).reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describe("concurrent event streams are capped per principal and per client address", () => {
  it("300 streams from one customer token: the default cap (10) lets 10 in, the rest get 429 rate_limited:stream with Retry-After", async () => {
    const runId = await runningRun("C-1002");
    const auth = await bearer("C-1002");
    const all = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 ? open(runEvents, `/api/runs/${runId}/events`, auth, "198.51.100.7", runId) : open(runStream, `/api/runs/${runId}/stream?cursor=0`, auth, "198.51.100.7", runId))),
    );
    expect(statuses(all)).toEqual({ 200: 10, 429: 290 });
    const refused = all.find((o) => o.res.status === 429)!;
    expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await refused.res.json()).error).toMatchObject({ code: "rate_limited:stream", details: { limit: "streams_per_principal", max: 10 } });
    expect(openStreams("principal:customer:C-1002")).toBe(10);

    // The same customer by its chat cookie is the same principal.
    const cookie = await open(runEvents, `/api/runs/${runId}/events`, { cookie: `sb_customer=${await issueCustomerToken("C-1002")}` }, "198.51.100.8", runId);
    expect(cookie.res.status).toBe(429);

    for (const o of all) o.close();
    expect(openStreams("principal:customer:C-1002")).toBe(0);
    expect(openStreams("ip:198.51.100.7")).toBe(0);
    expect((await open(runEvents, `/api/runs/${runId}/events`, auth, "198.51.100.7", runId)).res.status).toBe(200);
  });

  it("a closed stream frees its slot, however it ends: the client goes away, the reader cancels, the stream ends, or the handler refuses", async () => {
    process.env.STREAM_MAX_PER_PRINCIPAL = "1";
    const runId = await runningRun("C-1002");
    const auth = await bearer("C-1002");
    const path = `/api/runs/${runId}/events`;

    // The request aborted (the browser closed the tab).
    const first = await open(runEvents, path, auth, undefined, runId);
    expect(first.res.status).toBe(200);
    expect((await open(runEvents, path, auth, undefined, runId)).res.status).toBe(429);
    first.close();
    expect(openStreams("principal:customer:C-1002")).toBe(0);

    // The reader cancelled the body.
    const second = await open(runStream, `/api/runs/${runId}/stream`, auth, undefined, runId);
    expect(second.res.status).toBe(200);
    expect((await open(runEvents, path, auth, undefined, runId)).res.status).toBe(429);
    await second.res.body!.cancel();
    expect(openStreams("principal:customer:C-1002")).toBe(0);

    // The stream ran to its end (a finished run: everything stored, then run_finished).
    const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
    const { run, done } = await submitMessage(engine, { customerId: "C-1002", message: "What is my balance?" });
    expect(await done).toBe("completed");
    const finished = await open(runEvents, `/api/runs/${run.id}/events`, auth, undefined, run.id);
    expect(finished.res.status).toBe(200);
    expect(await finished.res.text()).toContain("run_finished");
    expect(openStreams("principal:customer:C-1002")).toBe(0);

    // The handler refused (another customer's run, a run that does not exist): no stream, no slot kept.
    const foreign = await runningRun("C-1007");
    for (const id of [foreign, "00000000-0000-4000-8000-000000000000", "not-a-run"]) {
      expect((await open(runEvents, `/api/runs/${id}/events`, auth, undefined, id)).res.status, id).toBe(404);
    }
    expect(openStreams("principal:customer:C-1002")).toBe(0);
    expect((await open(runEvents, path, auth, undefined, runId)).res.status).toBe(200);
  });

  it("caps one client address across customers; another address is not affected", async () => {
    process.env.STREAM_MAX_PER_IP = "3";
    const [a, b] = [await runningRun("C-1002"), await runningRun("C-1007")];
    const [authA, authB] = [await bearer("C-1002"), await bearer("C-1007")];
    expect((await open(runEvents, `/api/runs/${a}/events`, authA, "203.0.113.5", a)).res.status).toBe(200);
    expect((await open(runEvents, `/api/runs/${a}/events`, authA, "203.0.113.5", a)).res.status).toBe(200);
    expect((await open(runEvents, `/api/runs/${b}/events`, authB, "203.0.113.5", b)).res.status).toBe(200);
    const refused = await open(runEvents, `/api/runs/${b}/events`, authB, "203.0.113.5", b);
    expect(refused.res.status).toBe(429);
    expect((await refused.res.json()).error).toMatchObject({ code: "rate_limited:stream", details: { limit: "streams_per_ip", max: 3 } });
    // Refused at the address, it holds no slot of its customer either.
    expect(openStreams("principal:customer:C-1007")).toBe(1);
    expect((await open(runEvents, `/api/runs/${b}/events`, authB, "203.0.113.6", b)).res.status).toBe(200);
  });

  it("staff are capped per staff member, across the review queue's and runs' streams; 0 turns a cap off", async () => {
    process.env.STREAM_MAX_PER_PRINCIPAL = "2";
    const runId = await runningRun("C-1002");
    const reviewer = { cookie: await staffSessionCookie(db, "reviewer@switchboard.local", AUTH_SECRET) };
    const admin = { cookie: await staffSessionCookie(db, "admin@switchboard.local", AUTH_SECRET) };
    // An admin may read both the queue and a run (a reviewer may not read runs: lib/auth/run-access).
    expect((await open(reviewEvents, "/api/reviews/events", admin)).res.status).toBe(200);
    expect((await open(runEvents, `/api/runs/${runId}/events`, admin, undefined, runId)).res.status).toBe(200);
    const third = await open(reviewEvents, "/api/reviews/events", admin);
    expect(third.res.status).toBe(429);
    expect((await third.res.json()).error.details.limit).toBe("streams_per_principal");
    // Another staff member has slots of their own.
    expect((await open(reviewEvents, "/api/reviews/events", reviewer)).res.status).toBe(200);

    process.env.STREAM_MAX_PER_PRINCIPAL = "0";
    expect((await open(reviewEvents, "/api/reviews/events", admin)).res.status).toBe(200);
  });
});
