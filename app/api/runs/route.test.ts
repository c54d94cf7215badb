import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { getDb } from "@/lib/db/client";
import { installPeerStamp, PEER_HEADER, peerStampValue } from "@/lib/http/client-address";
import { inject, resetTestWorld, untilRunSettled, useTestDb } from "@/test/db";

// The route handler itself, called without the proxy in front: what it refuses, it
// refuses on its own (a proxy can be bypassed, and does not cover every route).
vi.mock("server-only", () => ({}));

const db = useTestDb();
const APP = "http://127.0.0.1:3000";

let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  ({ POST } = await import("./route"));
});
afterAll(() => getDb().$disconnect());
beforeEach(() => resetTestWorld(db));

function runRequest(headers: Record<string, string>, body: BodyInit) {
  return new Request(`${APP}/api/runs`, { method: "POST", headers, body });
}

describe("POST /api/runs: the state-changing request guard", () => {
  it("refuses a cross-origin text/plain form post carrying a valid chat cookie, and creates nothing", async () => {
    const cookie = `sb_customer=${await issueCustomerToken("C-1004")}`;
    const forged = '{"message":"Book me a technician","pad":"="}\r\n';
    for (const origin of ["http://127.0.0.1:3001", "https://evil.example", "null"]) {
      const res = await POST(runRequest({ origin, cookie, "content-type": "text/plain" }, forged));
      expect(res.status, origin).toBe(403);
      expect((await res.json()).error.code, origin).toBe("forbidden:origin");
    }
    // No Origin and no Bearer: a cookie alone never starts a run.
    const bare = await POST(runRequest({ cookie, "content-type": "application/json" }, '{"message":"hi"}'));
    expect(bare.status).toBe(403);
    expect(await db.run.count()).toBe(0);
    expect(await db.conversation.count()).toBe(0);
  });

  it("never parses a body without application/json, from the app's own origin or with a valid Bearer token", async () => {
    const token = await issueCustomerToken("C-1004");
    const cases: Array<[string, Record<string, string>]> = [
      ["own origin, no content type", { origin: APP, cookie: `sb_customer=${token}` }],
      ["own origin, text/plain", { origin: APP, cookie: `sb_customer=${token}`, "content-type": "text/plain" }],
      ["Bearer, form-encoded", { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }],
    ];
    for (const [label, headers] of cases) {
      const res = await POST(runRequest(headers, new TextEncoder().encode('{"message":"What is my balance?"}')));
      expect(res.status, label).toBe(415);
      expect((await res.json()).error.code, label).toBe("unsupported_media_type:message");
    }
    expect(await db.run.count()).toBe(0);
  });

  it("starts a run for JSON from the app's own origin (cookie) and for an API client (Bearer, no Origin)", async () => {
    const token = await issueCustomerToken("C-1004");
    const json = { "content-type": "application/json" };
    const fromPage = await POST(runRequest({ ...json, origin: APP, cookie: `sb_customer=${token}` }, JSON.stringify({ message: "What is my balance?" })));
    expect(fromPage.status).toBe(202);
    await untilRunSettled(db, (await fromPage.json()).runId);
    const fromScript = await POST(runRequest({ ...json, authorization: `Bearer ${token}` }, JSON.stringify({ message: "What is my balance?" })));
    expect(fromScript.status).toBe(202);
    await untilRunSettled(db, (await fromScript.json()).runId);
    expect(await db.run.count({ where: { customerId: "C-1004" } })).toBe(2);
  });
});

describe("POST /api/runs: bad input and abuse limits", () => {
  const json = { "content-type": "application/json" };

  it("answers 400, never 500, to text PostgreSQL cannot store or nobody types, and stores nothing", async () => {
    const auth = { ...json, authorization: `Bearer ${await issueCustomerToken("C-1005")}` };
    for (const body of ['{"message":"hi\\u0000there"}', '{"message":"half \\ud800 a pair"}', '{"message":"bell \\u0007"}', '{"message":"ok","conversationId":"\\u0000"}']) {
      const res = await POST(runRequest(auth, body));
      expect(res.status, body).toBe(400);
      expect((await res.json()).error.code, body).toBe("invalid_input:message");
    }
    expect(await db.run.count()).toBe(0);
  });

  it("refuses the run past the per-customer limit with 429 and Retry-After, creating nothing; another customer is not affected", async () => {
    process.env.RATE_LIMIT_RUNS_PER_CUSTOMER = "3";
    try {
      const auth = { ...json, authorization: `Bearer ${await issueCustomerToken("C-1006")}` };
      const started: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await POST(runRequest(auth, JSON.stringify({ message: `What is my balance? (${i})` })));
        expect(res.status).toBe(202);
        started.push((await res.json()).runId);
      }
      const refused = await POST(runRequest(auth, JSON.stringify({ message: "What is my balance? (4)" })));
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await refused.json()).error).toMatchObject({ code: "rate_limited:message", details: { limit: "runs_per_customer", retryAfterSeconds: retryAfter } });
      expect(await db.run.count({ where: { customerId: "C-1006" } })).toBe(3);

      const other = await POST(runRequest({ ...json, authorization: `Bearer ${await issueCustomerToken("C-1007")}` }, JSON.stringify({ message: "What is my balance?" })));
      expect(other.status).toBe(202);
      started.push((await other.json()).runId);
      for (const id of started) await untilRunSettled(db, id);
    } finally {
      delete process.env.RATE_LIMIT_RUNS_PER_CUSTOMER;
    }
  });

  it("refuses a customer whose model-token budget for the UTC day is spent, until midnight; another customer is not affected", async () => {
    process.env.CUSTOMER_DAILY_TOKEN_BUDGET = "1000";
    try {
      const auth = { ...json, authorization: `Bearer ${await issueCustomerToken("C-1008")}` };
      const first = await POST(runRequest(auth, JSON.stringify({ message: "What is my balance?" })));
      expect(first.status).toBe(202);
      const run = await untilRunSettled(db, (await first.json()).runId);
      // The run that started under the budget finished; it is what spent it.
      expect(run.tokensIn + run.tokensOut).toBeGreaterThan(1000);

      const refused = await POST(runRequest(auth, JSON.stringify({ message: "And my plan?" })));
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      const now = new Date();
      const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(Math.abs(retryAfter - toMidnight)).toBeLessThan(60);
      expect((await refused.json()).error).toMatchObject({ code: "rate_limited:message", details: { limit: "tokens_per_customer_per_day" } });
      expect(await db.run.count({ where: { customerId: "C-1008" } })).toBe(1);

      const other = await POST(runRequest({ ...json, authorization: `Bearer ${await issueCustomerToken("C-1009")}` }, JSON.stringify({ message: "What is my balance?" })));
      expect(other.status).toBe(202);
      await untilRunSettled(db, (await other.json()).runId);
    } finally {
      delete process.env.CUSTOMER_DAILY_TOKEN_BUDGET;
    }
  });

  it("limits one client address across customers: the connection's own with no proxy (TRUST_PROXY_HOPS=0), whatever X-Forwarded-For the client sends", async () => {
    process.env.RATE_LIMIT_RUNS_PER_IP = "2";
    installPeerStamp();
    // What the app's HTTP server stamps on every request from this client (lib/http/client-address.ts).
    const socket = { [PEER_HEADER]: peerStampValue("::ffff:192.0.2.50") };
    try {
      const from = (customerId: string, xff: string) =>
        issueCustomerToken(customerId).then((t) => POST(runRequest({ ...json, ...socket, authorization: `Bearer ${t}`, "x-forwarded-for": xff }, JSON.stringify({ message: "What is my balance?" }))));
      const a = await from("C-1001", "203.0.113.9");
      const b = await from("C-1002", "198.51.100.1");
      // A third address the client names for itself does not make it another client.
      const c = await from("C-1003", "10.9.9.9");
      expect([a.status, b.status, c.status]).toEqual([202, 202, 429]);
      expect((await c.json()).error.details.limit).toBe("runs_per_ip");
      expect((await db.rateLimit.findMany({ where: { key: { startsWith: "runs:ip:" } }, select: { key: true, hits: true } }))).toEqual([{ key: "runs:ip:192.0.2.50", hits: 3 }]);
      for (const r of [a, b]) await untilRunSettled(db, (await r.json()).runId);
    } finally {
      delete process.env.RATE_LIMIT_RUNS_PER_IP;
    }
  });

  it("behind one trusted proxy (TRUST_PROXY_HOPS=1) counts the address the proxy appended, not the entries the client wrote", async () => {
    process.env.RATE_LIMIT_RUNS_PER_IP = "2";
    process.env.TRUST_PROXY_HOPS = "1";
    installPeerStamp();
    const proxy = { [PEER_HEADER]: peerStampValue("10.0.0.2") };
    try {
      const from = (customerId: string, xff: string) =>
        issueCustomerToken(customerId).then((t) => POST(runRequest({ ...json, ...proxy, authorization: `Bearer ${t}`, "x-forwarded-for": xff }, JSON.stringify({ message: "What is my balance?" }))));
      const a = await from("C-1001", "203.0.113.9");
      const b = await from("C-1002", "198.51.100.1, 203.0.113.9");
      const c = await from("C-1003", "10.9.9.9, 203.0.113.9");
      // Another client behind the same proxy is another address.
      const d = await from("C-1004", "198.51.100.77");
      expect([a.status, b.status, c.status, d.status]).toEqual([202, 202, 429, 202]);
      expect((await c.json()).error.details.limit).toBe("runs_per_ip");
      for (const r of [a, b, d]) await untilRunSettled(db, (await r.json()).runId);
    } finally {
      delete process.env.RATE_LIMIT_RUNS_PER_IP;
      delete process.env.TRUST_PROXY_HOPS;
    }
  });
});
