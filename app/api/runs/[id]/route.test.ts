import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { decideRunRead, RUN_READER_ROLES } from "@/lib/auth/run-access";
import { fixedClock } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { localModels } from "@/lib/models/registry";
import { createEngine, submitMessage } from "@/lib/orchestrator/engine";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

// Who may read a run through the run API: GET /api/runs/:id, /events (SSE) and /stream
// (UI message stream), called without the proxy in front, against the real database.
// Only the staff session is a stand-in (next-auth reads its cookie from a Next request);
// the role is read from the database as the handlers read it.
vi.mock("server-only", () => ({}));
let sessionUser: { id: string; email: string; name: string; role: string } | null = null;
// A session signed in just now (an earlier sign-out of the account does not revoke it).
vi.mock("@/lib/auth/auth", () => ({ auth: async () => (sessionUser ? { user: { ...sessionUser, signedInAt: Date.now() } } : null) }));

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const ROAMING = "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.";

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
const routes: Record<string, Handler> = {};
let runId: string;
let otherRunId: string;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  routes.run = ((await import("./route")) as unknown as { GET: Handler }).GET;
  routes.events = ((await import("./events/route")) as unknown as { GET: Handler }).GET;
  routes.stream = ((await import("./stream/route")) as unknown as { GET: Handler }).GET;
  await resetTestWorld(db);
  // A run of C-1002's that waits for a review, and one of C-1003's.
  const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
  const first = await submitMessage(engine, { customerId: "C-1002", message: ROAMING });
  expect(await first.done).toBe("awaiting_review");
  runId = first.run.id;
  const second = await submitMessage(engine, { customerId: "C-1003", message: "What is my balance?" });
  await second.done;
  otherRunId = second.run.id;
});
afterAll(() => getDb().$disconnect());

async function as(who: "anonymous" | "reviewer" | "auditor" | "admin") {
  sessionUser = who === "anonymous" ? null : await db.staffUser.findUniqueOrThrow({ where: { email: `${who}@switchboard.local` }, select: { id: true, email: true, name: true, role: true } });
}

/** Calls one route as the current session plus `headers`; reads the body (streams end: the run is finished). */
async function read(route: keyof typeof routes, id: string, headers: Record<string, string> = {}, query = "") {
  const path = route === "run" ? `/api/runs/${id}` : `/api/runs/${id}/${route}`;
  const res = await routes[route](new Request(`${APP}${path}${query}`, { headers }), { params: Promise.resolve({ id }) });
  return { status: res.status, body: await res.text() };
}

const ROUTES = ["run", "events", "stream"] as const;

describe("reading a run through the run API, per role and route", () => {
  it("refuses an anonymous caller (401, with the token reason)", async () => {
    await as("anonymous");
    for (const route of ROUTES) {
      const { status, body } = await read(route, runId);
      expect(status, route).toBe(401);
      expect(JSON.parse(body).error, route).toMatchObject({ code: "unauthorized:run", details: { reason: "customer_token_missing" } });
    }
  });

  it("refuses a reviewer (403): the audit page refuses them too, and review pages need no run API", async () => {
    await as("reviewer");
    for (const route of ROUTES) {
      const { status, body } = await read(route, runId);
      expect(status, route).toBe(403);
      expect(JSON.parse(body).error.code, route).toBe("forbidden:run");
      expect(body, route).not.toContain("International roaming pass");
    }
    expect(RUN_READER_ROLES).not.toContain("reviewer");
  });

  for (const role of ["auditor", "admin"] as const) {
    it(`lets ${role === "auditor" ? "an auditor" : "an admin"} read it on every route, as on the audit page`, async () => {
      await as(role);
      for (const route of ROUTES) {
        const { status, body } = await read(route, runId);
        expect(status, route).toBe(200);
        expect(body, route).toContain("International roaming pass");
      }
      expect(RUN_READER_ROLES).toContain(role);
    });
  }

  it("lets the run's own customer read it by token or chat cookie, and no other customer's run (404)", async () => {
    await as("anonymous");
    const token = await issueCustomerToken("C-1002");
    const ways: Record<string, string>[] = [{ authorization: `Bearer ${token}` }, { cookie: `sb_customer=${token}` }];
    for (const headers of ways) {
      for (const route of ROUTES) {
        expect((await read(route, runId, headers)).status, `${route} ${Object.keys(headers)[0]}`).toBe(200);
        const other = await read(route, otherRunId, headers);
        expect(other.status, route).toBe(404);
        expect(JSON.parse(other.body).error.code).toBe("not_found:run");
      }
    }
    // A run id that does not exist, or is not one, is the same 404.
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-run"]) expect((await read("run", id, { authorization: `Bearer ${token}` })).status).toBe(404);
  });

  it("gives a reviewer who is also the run's customer in this browser (the demo chat) the customer's view, not the staff one", async () => {
    await as("reviewer");
    const cookie = `sb_customer=${await issueCustomerToken("C-1002")}`;
    for (const route of ROUTES) expect((await read(route, runId, { cookie })).status, route).toBe(200);
    expect((await read("run", otherRunId, { cookie })).status).toBe(403);
  });

  it("answers 400 to a cursor that is not a seq, and only to a caller who may read the run", async () => {
    const auth = { authorization: `Bearer ${await issueCustomerToken("C-1002")}` };
    await as("anonymous");
    for (const [route, query, headers] of [
      ["events", "?after=-1", auth],
      ["events", "", { ...auth, "last-event-id": "abc" }],
      ["stream", "?cursor=1.5", auth],
      ["stream", "?until=forever", auth],
    ] as const) {
      const { status, body } = await read(route, runId, headers, query);
      expect(status, `${route}${query}`).toBe(400);
      expect(JSON.parse(body).error.code).toBe("invalid_input:run");
    }
    expect((await read("stream", runId, {}, "?cursor=abc")).status).toBe(401);
    expect((await read("events", runId, auth, "?after=3")).body).not.toContain("id: 1\n");
  });
});

describe("the rule, on its own", () => {
  const staff = (role: "reviewer" | "auditor" | "admin") => ({ id: "s", email: `${role}@switchboard.local`, name: role, role });
  const mine = { ok: true as const, customerId: "C-1001", expiresAt: new Date() };
  const none = { ok: false as const, error: "missing" as const };
  it("decides per who and whose run", () => {
    expect(decideRunRead({ runCustomerId: "C-1001", staff: null, customer: mine })).toEqual({ ok: true, viewer: "customer" });
    expect(decideRunRead({ runCustomerId: "C-1002", staff: null, customer: mine })).toEqual({ ok: false, refusal: "not_found" });
    expect(decideRunRead({ runCustomerId: null, staff: null, customer: mine })).toEqual({ ok: false, refusal: "not_found" });
    expect(decideRunRead({ runCustomerId: "C-1001", staff: null, customer: none })).toMatchObject({ ok: false, refusal: "unauthenticated" });
    expect(decideRunRead({ runCustomerId: "C-1001", staff: staff("reviewer"), customer: none })).toEqual({ ok: false, refusal: "forbidden" });
    expect(decideRunRead({ runCustomerId: null, staff: staff("reviewer"), customer: none })).toEqual({ ok: false, refusal: "forbidden" });
    expect(decideRunRead({ runCustomerId: "C-1001", staff: staff("auditor"), customer: none })).toEqual({ ok: true, viewer: "staff" });
    expect(decideRunRead({ runCustomerId: "C-1001", staff: staff("admin"), customer: none })).toEqual({ ok: true, viewer: "staff" });
    expect(decideRunRead({ runCustomerId: null, staff: staff("admin"), customer: none })).toEqual({ ok: false, refusal: "not_found" });
  });
});
