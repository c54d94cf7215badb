import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { fixedClock } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { localModels } from "@/lib/models/registry";
import { createEngine, submitMessage } from "@/lib/orchestrator/engine";
import { inject, resetTestWorld, useTestDb } from "@/test/db";
import { inRequestScope } from "@/test/next-request-scope";
import { staffSessionCookie } from "@/test/staff-session";

// Every route handler under app/api, called with hostile input: malformed, overlong and
// deeply nested JSON, wrong content types, malformed cookies (a customer cookie that is
// not percent-encoding, a next-auth session cookie that is garbage), odd Origin,
// Authorization, Idempotency-Key, Last-Event-ID and MCP headers, odd query strings and
// path parameters, with and without valid credentials. The property: never a 5xx, and a
// refused request (4xx) changes nothing that is stored.
//
// The handlers run as they do in Next.js as far as they can outside it: against the real
// database, with the real next-auth instance (its auth() decodes the request's session
// cookie); next/headers answers from the request being handled, its cookies parsed by
// Next.js's own parser (test/next-request-scope.ts). The proxy is not in front: whatever
// a handler refuses, it refuses on its own.
vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", async () => (await import("@/test/next-request-scope")).nextHeadersStandIn());

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const SERVICE = "fuzz-service-token-0123456789";
const AUTH_SECRET = "fuzz-auth-secret-0123456789abcdef0123456789";
const HOST = "https://shop.example";
const RUNS_PER_HANDLER = Number(process.env.FUZZ_RUNS ?? 40);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

// Every route module, found the way Next.js finds them (a file named route.ts).
const modules = import.meta.glob<Record<string, unknown>>("./**/route.ts");
const onDisk = (fs.readdirSync(path.resolve("app/api"), { recursive: true }) as string[])
  .filter((f) => path.basename(f) === "route.ts")
  .map((f) => `./${f.split(path.sep).join("/")}`)
  .sort();

// ---- what the fuzz knows about the world (filled in beforeAll) --------------------------

const known = { runId: "", reviewId: "", customerToken: "", otherCustomerToken: "", adminCookie: "", reviewerCookie: "", auditorCookie: "" };

// ---- arbitraries ------------------------------------------------------------------------

/** A header value a client can send: printable Latin-1 (no NUL, CR or LF). */
const headerText = (maxLength = 120) => fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength });
/** Any text at all, lone surrogates and NUL included. */
const anyText = (maxLength = 60) => fc.oneof(fc.string({ unit: "binary", maxLength }), fc.constantFrom("\u0000", "\ud800", "a\udfffb", "\u0007bell", "\u202eevil", "😀", ""));

const LOOK_ALIKE_ORIGINS = ["http://127.0.0.1:3000.evil", "null", "http://[::1", "https://evil.example", "http://127.0.0.1:3001", "HTTP://127.0.0.1:3000", "http://127.0.0.1:3000/", "", "http://", "javascript:alert(1)"];

function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const namedBodies: Array<string | Uint8Array> = [
  `{"message":"hi","x":${nested(20_000, "array")}}`,
  nested(100_000, "array"),
  `{"message":"hi","x":${nested(5_000, "object")}}`,
  '{"message":"hi \\u0000 there"}',
  '{"message":"half \\ud800 a pair"}',
  '{"k\\u0000ey":1}',
  `{"message":"${"a".repeat(1_000_000)}"}`,
  `{"token":"${"x".repeat(100_000)}","hostOrigin":"${HOST}"}`,
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
  new Uint8Array([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28]),
  "",
  "null",
  "[]",
  "0",
  '"str"',
  "{",
  "{}}",
  '{"decision":"approve","note":"\\u0007"}',
  '{"release":true}',
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"change_plan","arguments":{"toPlanId":"gig-1000","idempotencyKey":"fuzz-upgrade-0001"}}}',
  '[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"issue_credit","arguments":{"invoiceId":"INV-1002-2611","amountCents":1,"reason":"x","idempotencyKey":"fuzz-credit-0001"}}}]',
  "csrfToken=x&email=admin%40switchboard.local&password=wrong",
  "email=%E0%A4%A&password=%zz",
];

const TOOL_NAMES = ["find_discrepancies", "get_billing_overview", "get_invoice", "issue_credit", "change_plan", "get_profile", "list_plans", "quote_plan_change", "check_outage", "dispatch_technician", "remote_reset"];

/** Bodies shaped like what each route expects, with hostile values in the fields. */
function shapedBody(route: string): fc.Arbitrary<string> {
  const json = <T>(a: fc.Arbitrary<T>) => a.map((v) => JSON.stringify(v));
  const loose = fc.oneof(anyText(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
  switch (route) {
    case "runs":
      return json(fc.record({ message: fc.oneof(anyText(4100), loose), conversationId: fc.oneof(fc.uuid(), anyText(), loose) }, { requiredKeys: [] }));
    case "reviews/[id]/claim":
      return json(fc.record({ release: loose, expectedVersion: fc.oneof(fc.integer(), loose), extra: loose }, { requiredKeys: [] }));
    case "reviews/[id]/decision":
      return json(
        fc.record(
          { decision: fc.oneof(fc.constantFrom("approve", "reject", "send_draft", "send_edited", "send_written", "retry"), loose), note: loose, reply: loose, expectedVersion: loose, amountCents: loose },
          { requiredKeys: [] },
        ),
      );
    case "widget/session":
      return json(fc.record({ token: fc.oneof(fc.constant(known.customerToken), anyText(), loose), hostOrigin: fc.oneof(fc.constantFrom(HOST, ...LOOK_ALIKE_ORIGINS), anyText(), loose) }, { requiredKeys: [] }));
    case "mcp/[server]": {
      const call = fc.record({ name: fc.oneof(fc.constantFrom(...TOOL_NAMES), anyText()), arguments: fc.oneof(fc.dictionary(fc.string(), loose), loose) }, { requiredKeys: [] });
      const message = fc.record(
        {
          jsonrpc: fc.constantFrom("2.0", "1.0", ""),
          id: fc.oneof(fc.integer(), anyText(), fc.constant(null)),
          method: fc.oneof(fc.constantFrom("initialize", "tools/list", "tools/call", "ping", "resources/list", "notifications/initialized"), anyText()),
          params: fc.oneof(call, loose),
        },
        { requiredKeys: [] },
      );
      return json(fc.oneof(message, fc.array(message, { maxLength: 3 })));
    }
    case "auth/[...nextauth]":
      return fc
        .array(fc.tuple(fc.constantFrom("csrfToken", "email", "password", "callbackUrl", "redirect", "json"), anyText()), { maxLength: 5 })
        .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/g, "?")])).toString());
    default:
      return json(fc.jsonValue({ maxDepth: 4 }));
  }
}

function bodyFor(route: string): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 3, arbitrary: shapedBody(route) },
    { weight: 2, arbitrary: fc.constantFrom(...namedBodies) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 30, max: 3000 }), fc.constantFrom("array" as const, "object" as const)).map(([d, k]) => `{"message":"hi","x":${nested(d, k)}}`) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: anyText(300) },
  );
}

type Credential = "none" | "customer_bearer" | "customer_cookie" | "other_customer" | "admin" | "reviewer" | "auditor" | "mcp";
const CREDENTIALS: Credential[] = ["none", "customer_bearer", "customer_cookie", "other_customer", "admin", "reviewer", "auditor", "mcp"];
/** Any credential; the MCP endpoint's own (service token + customer token) more often there, since nothing else gets in. */
const credentialFor = (route: string) =>
  route.startsWith("mcp/") ? fc.oneof({ weight: 3, arbitrary: fc.constant<Credential>("mcp") }, { weight: 1, arbitrary: fc.constantFrom(...CREDENTIALS) }) : fc.constantFrom(...CREDENTIALS);

const hostileCookies = fc.subarray(
  [
    "sb_customer=%E0%A4%A",
    "sb_customer=",
    "sb_customer=a.b.c",
    "authjs.session-token=garbage",
    "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..AAAA.BBBB.CCCC",
    "authjs.session-token.0=eyJhbGciOiJkaXIi; authjs.session-token.1=%zz",
    "authjs.callback-url=javascript:alert(1)",
    "authjs.csrf-token=%E0%A4%A",
    "__Secure-authjs.session-token=x",
    `sb_customer=${"x".repeat(8000)}`,
  ],
  { maxLength: 3 },
);
const randomCookies = fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), headerText(60)), { maxLength: 2 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v.replace(/;/g, "")}`));

const headerArb = fc.record(
  {
    origin: fc.oneof(fc.constantFrom(APP, ...LOOK_ALIKE_ORIGINS), headerText()),
    authorization: fc.oneof(fc.constantFrom("Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "Bearer a.b.c", `Bearer ${"x".repeat(10_000)}`, "bearer  x y"), headerText().map((s) => `Bearer ${s}`)),
    "content-type": fc.oneof(
      { weight: 4, arbitrary: fc.constant("application/json") },
      { weight: 2, arbitrary: fc.constantFrom("application/json; charset=utf-16", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/json;;;", "*/*", "APPLICATION/JSON") },
      { weight: 1, arbitrary: headerText() },
    ),
    "idempotency-key": fc.oneof(headerText(300), fc.constantFrom("x".repeat(5000), "../../", "%00", "k-12345678")),
    "last-event-id": fc.oneof(fc.constantFrom("-1", "1e400", "NaN", "99999999999999999999", "0x10", " 7", "1.5"), headerText(30)),
    "x-customer-token": fc.oneof(fc.constantFrom("a.b.c", "null", ""), headerText()),
    accept: fc.oneof(fc.constantFrom("application/json, text/event-stream", "text/event-stream", "*/*", "text/x-component"), headerText()),
    "mcp-protocol-version": fc.oneof(fc.constantFrom("2025-06-18", "2024-11-05", "1999-01-01"), headerText(30)),
    "mcp-session-id": headerText(60),
    "x-forwarded-for": fc.oneof(fc.constantFrom("1.2.3.4", "::1, 10.0.0.1", "", "unknown, , ,"), headerText()),
    "x-forwarded-host": fc.oneof(fc.constantFrom("127.0.0.1:3000", "evil.example", "[::1"), headerText()),
    "x-forwarded-proto": fc.oneof(fc.constantFrom("https", "http", "gopher", "https, http"), headerText(20)),
    "sec-fetch-site": fc.constantFrom("same-origin", "same-site", "cross-site", "none", "garbage"),
    "x-switchboard-run-id": fc.uuid(),
  },
  { requiredKeys: [] },
);

const QUERY_KEYS = ["cursor", "after", "until", "status", "worker", "from", "to", "q", "escalated", "outcome", "callbackUrl", "error", "before", "csrf"];
const queryArb = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(headerText(40), anyText(40), fc.constantFrom("settled", "-1", "1e400", "NaN", "javascript:alert(1)", "9".repeat(400)))), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/g, "?")])).toString()}` : ""));

/** Values for each dynamic segment a route may have (a new one fails the coverage test below). */
function segmentArb(segment: string): fc.Arbitrary<string | string[]> {
  const hostile = fc.oneof(anyText(40), headerText(40), fc.constantFrom("..", "%00", "x".repeat(10_000), "__proto__", "constructor", "toString", "00000000-0000-0000-0000-000000000000", "NaN"));
  switch (segment) {
    case "[id]":
      return fc.oneof(fc.constant(known.runId), fc.constant(known.reviewId), fc.uuid(), hostile);
    case "[server]":
      return fc.oneof(fc.constantFrom("billing", "network", "crm", "hasOwnProperty"), hostile);
    case "[...nextauth]":
      return fc.array(fc.oneof(fc.constantFrom("session", "csrf", "providers", "signin", "signout", "callback", "credentials", "error", "verify-request", "webauthn-options", "_log"), hostile), { minLength: 1, maxLength: 4 });
    default:
      throw new Error(`no values for the path segment ${segment}: add them to segmentArb`);
  }
}

// ---- calling a handler ------------------------------------------------------------------

type Route = { key: string; file: string; segments: string[] };

function routeOf(file: string): Route {
  const key = file.replace(/^\.\//, "").replace(/\/route\.ts$/, "");
  return { key, file, segments: key.split("/").filter((s) => s.startsWith("[")) };
}

type Input = {
  credential: Credential;
  /** Whether the fuzzed headers and cookies may override the credential's (else they only add to them). */
  spoil: boolean;
  params: Record<string, string | string[]>;
  query: string;
  headers: Record<string, string>;
  cookies: string[];
  body: string | Uint8Array;
};

function inputArb(route: Route): fc.Arbitrary<Input> {
  const params = fc.tuple(...route.segments.map(segmentArb)).map((values) =>
    Object.fromEntries(route.segments.map((s, i) => [s.replace(/^\[(\.\.\.)?|\]$/g, ""), values[i]])),
  );
  return fc.record({
    credential: credentialFor(route.key),
    spoil: fc.boolean(),
    params,
    query: queryArb,
    headers: headerArb,
    cookies: fc.tuple(hostileCookies, randomCookies).map(([a, b]) => [...a, ...b]),
    body: bodyFor(route.key),
  });
}

function credentialHeaders(c: Credential): { headers: Record<string, string>; cookies: string[] } {
  switch (c) {
    case "none":
      return { headers: {}, cookies: [] };
    case "customer_bearer":
      return { headers: { authorization: `Bearer ${known.customerToken}` }, cookies: [] };
    case "customer_cookie":
      return { headers: { origin: APP }, cookies: [`sb_customer=${known.customerToken}`] };
    case "other_customer":
      return { headers: { authorization: `Bearer ${known.otherCustomerToken}` }, cookies: [] };
    case "admin":
      return { headers: { origin: APP }, cookies: [known.adminCookie] };
    case "reviewer":
      return { headers: { origin: APP }, cookies: [known.reviewerCookie] };
    case "auditor":
      return { headers: { origin: APP }, cookies: [known.auditorCookie] };
    case "mcp":
      return { headers: { authorization: `Bearer ${SERVICE}`, "x-customer-token": known.customerToken, accept: "application/json, text/event-stream", "content-type": "application/json" }, cookies: [] };
  }
}

function urlFor(route: Route, params: Record<string, string | string[]>, query: string): string {
  const pathname = route.key
    .split("/")
    .map((s) => {
      if (!s.startsWith("[")) return s;
      const v = params[s.replace(/^\[(\.\.\.)?|\]$/g, "")];
      return (Array.isArray(v) ? v : [v]).map((p) => encodeURIComponent(p.replace(/[\ud800-\udfff]/g, "?"))).join("/");
    })
    .join("/");
  return `${APP}/api/${pathname}${query}`;
}

const cookieName = (c: string) => c.slice(0, c.indexOf("=")).trim();

/** Fuzzed headers that stand between any credential and the handler: left out of requests that must get past authentication. */
const SPOILERS = new Set(["authorization", "x-customer-token", "x-forwarded-host", "x-forwarded-proto"]);

/**
 * The request as a client would send it: the credential's headers and cookies with the
 * fuzzed ones. When `spoil`, a fuzzed header or cookie of the same name wins over the
 * credential's; else the credential's does and the fuzzed headers that would void any
 * credential are left out (so half the input gets past authentication).
 */
function buildRequest(route: Route, method: string, input: Input, signal: AbortSignal): NextRequest {
  const cred = credentialHeaders(input.credential);
  const kept = input.spoil ? input.headers : Object.fromEntries(Object.entries(input.headers).filter(([k]) => !SPOILERS.has(k)));
  const headers = new Headers(input.spoil ? { ...cred.headers, ...kept } : { ...kept, ...cred.headers });
  const credNames = new Set(cred.cookies.map(cookieName));
  const cookies = input.spoil ? [...cred.cookies, ...input.cookies] : [...input.cookies.filter((c) => !credNames.has(cookieName(c))), ...cred.cookies];
  if (cookies.length) headers.set("cookie", cookies.join("; "));
  // What the Next.js server adds to every request when the client did not send them.
  const defaults: Record<string, string> = { host: "127.0.0.1:3000", "x-forwarded-host": "127.0.0.1:3000", "x-forwarded-proto": "http", "x-forwarded-port": "3000", "x-forwarded-for": "127.0.0.1" };
  for (const [k, v] of Object.entries(defaults)) if (!headers.has(k)) headers.set(k, v);
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = typeof input.body === "string" ? input.body : new Uint8Array(input.body);
  return new NextRequest(urlFor(route, input.params, input.query), { method, headers, body: hasBody ? body : undefined, signal });
}

/** Everything a refused request must leave as it was. (Abuse-limit counters are meant to count refusals too.) */
async function fingerprint(): Promise<Record<string, number>> {
  const [row] = await db.$queryRawUnsafe<Array<Record<string, bigint | number>>>(`
    SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM conversations) AS conversations,
           (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM side_effects) AS side_effects,
           (SELECT count(*) FROM audit_log) AS audit_entries, (SELECT count(*) FROM credits) AS credits,
           (SELECT count(*) FROM plan_changes) AS plan_changes, (SELECT count(*) FROM dispatches) AS dispatches,
           (SELECT coalesce(sum("dataVersion"), 0) FROM customers) AS customer_versions,
           (SELECT coalesce(sum(version), 0) FROM review_items) AS review_versions,
           (SELECT count(*) FROM settings_versions) AS settings_versions`);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

/** Waits for runs a 2xx started to finish, so their own writes are not taken for a refused request's. */
async function settle() {
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM runs WHERE status IN ('queued', 'running')`);
    if (Number(n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("runs started by the fuzz did not settle");
}

type Outcome = { status: number; code?: string };

/** Statuses seen per handler: the fuzz must get past authentication to mean anything. */
const seen = new Map<string, Map<number, number>>();

async function call(route: Route, method: string, handler: Handler, input: Input): Promise<Outcome> {
  const abort = new AbortController();
  const req = buildRequest(route, method, input, abort.signal);
  const params = input.params;
  const { result: res } = await inRequestScope(req, () => handler(req, { params: Promise.resolve(params) }));
  let code: string | undefined;
  try {
    if (res.headers.get("content-type")?.includes("text/event-stream")) {
      // A stream that was let in: its status is the answer; stop it as a client going away would.
      abort.abort();
      await res.body?.cancel().catch(() => {});
    } else {
      const text = await res.text();
      if (res.status >= 400) code = (JSON.parse(text || "null") as { error?: { code?: string } } | null)?.error?.code;
    }
  } catch {
    // A non-JSON error body (Auth.js's own pages) is fine; only the status is asserted.
  }
  const statuses = seen.get(`${method} ${route.key}`) ?? new Map<number, number>();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  seen.set(`${method} ${route.key}`, statuses);
  return { status: res.status, code };
}

// ---- the tests --------------------------------------------------------------------------

const handlers: Array<{ route: Route; method: string; handler: Handler }> = [];

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.MCP_SERVICE_TOKEN = SERVICE;
  process.env.WIDGET_ALLOWED_ORIGINS = HOST;
  await resetTestWorld(db);

  // A run waiting for a reviewer (so run, review and stream routes have something real to find).
  const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
  const { run, done } = await submitMessage(engine, { customerId: "C-1002", message: "There's an $85 international roaming charge on my bill. I never turned that on, please remove it." });
  expect(await done).toBe("awaiting_review");
  known.runId = run.id;
  known.reviewId = (await db.reviewItem.findFirstOrThrow({ where: { runId: run.id } })).id;
  known.customerToken = await issueCustomerToken("C-1002");
  known.otherCustomerToken = await issueCustomerToken("C-1007");
  const session = (email: string) => staffSessionCookie(db, email, AUTH_SECRET);
  known.adminCookie = await session("admin@switchboard.local");
  known.reviewerCookie = await session("reviewer@switchboard.local");
  known.auditorCookie = await session("auditor@switchboard.local");

  for (const file of Object.keys(modules).sort()) {
    const mod = await modules[file]();
    for (const method of METHODS) if (typeof mod[method] === "function") handlers.push({ route: routeOf(file), method, handler: mod[method] as Handler });
  }
}, 120_000);

afterAll(async () => {
  await getDb().$disconnect();
  const g = globalThis as { switchboardWakeups?: { close?: () => Promise<void> } };
  await g.switchboardWakeups?.close?.();
  delete process.env.MCP_SERVICE_TOKEN;
  delete process.env.WIDGET_ALLOWED_ORIGINS;
});

describe("every route handler under hostile input", () => {
  it("covers every route.ts under app/api, and knows every path parameter they take", () => {
    expect(Object.keys(modules).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(14);
    for (const file of onDisk) for (const segment of routeOf(file).segments) expect(() => segmentArb(segment), file).not.toThrow();
    expect(new Set(handlers.map((h) => h.route.file))).toEqual(new Set(onDisk));
  });

  it("the harness's credentials work: clean requests get past authentication", async () => {
    const find = (method: string, key: string) => handlers.find((h) => h.method === method && h.route.key === key)!;
    const clean = (credential: Credential, params: Record<string, string> = {}, extra: Partial<Input> = {}): Input => ({ credential, spoil: false, params, query: "", headers: {}, cookies: [], body: "", ...extra });
    const exportCsv = find("GET", "audit/runs/export");
    expect((await call(exportCsv.route, "GET", exportCsv.handler, clean("admin"))).status).toBe(200);
    expect((await call(exportCsv.route, "GET", exportCsv.handler, clean("auditor"))).status).toBe(200);
    expect((await call(exportCsv.route, "GET", exportCsv.handler, clean("reviewer"))).status).toBe(403);
    const session = find("GET", "customer/session");
    expect((await call(session.route, "GET", session.handler, clean("customer_cookie"))).status).toBe(200);
    const mcp = find("POST", "mcp/[server]");
    const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect((await call(mcp.route, "POST", mcp.handler, clean("mcp", { server: "crm" }, { body: list }))).status).toBe(200);
  });

  // The exact inputs of the security probe, against every handler.
  const probe: Array<[string, Partial<Input>]> = [
    ["a customer cookie that is not percent-encoding", { cookies: ["sb_customer=%E0%A4%A"], headers: { origin: APP, "content-type": "application/json" }, body: '{"message":"hi"}' }],
    ["a body nested 20,000 levels deep (customer)", { credential: "customer_bearer", headers: { "content-type": "application/json" }, body: namedBodies[0] }],
    ["a body nested 20,000 levels deep (reviewer)", { credential: "reviewer", headers: { origin: APP, "content-type": "application/json" }, body: namedBodies[0] }],
    ["a garbage next-auth session cookie", { cookies: ["authjs.session-token=garbage"], headers: { origin: APP, "content-type": "application/json" }, body: "{}" }],
    ...LOOK_ALIKE_ORIGINS.map((origin): [string, Partial<Input>] => [`Origin ${JSON.stringify(origin)}`, { credential: "admin", headers: { origin, "content-type": "application/json" }, body: "{}" }]),
    ["a host that is no host in X-Forwarded-Host (staff)", { credential: "admin", headers: { origin: APP, "x-forwarded-host": "[::1", "content-type": "application/json" }, body: "{}" }],
    ["a protocol list in X-Forwarded-Proto (staff)", { credential: "admin", headers: { origin: APP, "x-forwarded-proto": "https, http", "content-type": "application/json" }, body: "{}" }],
  ];

  it.each(probe)("the probe's input: %s", async (_label, partial) => {
    for (const { route, method, handler } of handlers) {
      const input: Input = { credential: "none", spoil: true, params: {}, query: "", headers: {}, cookies: [], body: "", ...partial };
      for (const s of route.segments) input.params[s.replace(/^\[(\.\.\.)?|\]$/g, "")] = s === "[...nextauth]" ? ["session"] : s === "[server]" ? "crm" : s === "[id]" && route.key.startsWith("reviews") ? known.reviewId : known.runId;
      await settle();
      const before = await fingerprint();
      const out = await call(route, method, handler, input);
      expect(out.status, `${method} ${route.key}: ${out.code}`).toBeLessThan(500);
      if (out.status >= 400) expect(await fingerprint(), `${method} ${route.key} refused (${out.status} ${out.code}) but changed something`).toEqual(before);
    }
  }, 120_000);

  it(`random hostile input, ${RUNS_PER_HANDLER} requests per handler: never a 5xx, and a refused request stores nothing`, async () => {
    for (const { route, method, handler } of handlers) {
      await fc.assert(
        fc.asyncProperty(inputArb(route), async (input) => {
          await settle();
          const before = await fingerprint();
          const out = await call(route, method, handler, input);
          expect(out.status, `${method} ${route.key}: ${out.code}`).toBeLessThan(500);
          if (out.status >= 400) expect(await fingerprint(), `${method} ${route.key} refused (${out.status} ${out.code}) but changed something`).toEqual(before);
        }),
        { numRuns: RUNS_PER_HANDLER, endOnFailure: true },
      );
    }
  }, 600_000);

  it("got past authentication on every handler (the fuzz is not only knocking on the door)", () => {
    if (process.env.FUZZ_STATS) fs.writeFileSync(process.env.FUZZ_STATS, JSON.stringify(Object.fromEntries([...seen].map(([k, v]) => [k, Object.fromEntries(v)])), null, 1));
    for (const { route, method } of handlers) {
      const statuses = [...(seen.get(`${method} ${route.key}`)?.keys() ?? [])];
      expect(statuses.filter((s) => s !== 401 && s !== 403), `${method} ${route.key}: ${statuses}`).not.toEqual([]);
    }
  });
});
