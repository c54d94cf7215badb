import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { localModels } from "@/lib/models/registry";
import { createEngine, submitMessage } from "@/lib/orchestrator/engine";
import { inject, resetTestWorld, useTestDb } from "@/test/db";
import { inRequestScope } from "@/test/next-request-scope";
import { staffSessionCookie } from "@/test/staff-session";

// The two audit exports, called as a browser would call them with an auditor's session
// (the real next-auth check, the real database): what Sec-Fetch-Site lets through, and
// that a refused export writes nothing on the audit log.
vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/test/next-request-scope")).nextHeadersStandIn());

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const AUTH_SECRET = "exports-auth-secret-0123456789abcdef0123";

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
let csv: Handler;
let json: Handler;
let runId = "";
let auditor = "";

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.AUTH_SECRET = AUTH_SECRET;
  csv = (await import("./runs/export/route")).GET as unknown as Handler;
  json = (await import("./runs/[id]/export/route")).GET as unknown as Handler;
});
afterAll(() => getDb().$disconnect());

beforeEach(async () => {
  await resetTestWorld(db);
  const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
  const { run, done } = await submitMessage(engine, { customerId: "C-1001", message: "What is my balance?" });
  expect(await done).toBe("completed");
  runId = run.id;
  auditor = await staffSessionCookie(db, "auditor@switchboard.local", AUTH_SECRET);
});

/** A top-level navigation to an export, as the browser sends it (Fetch Metadata from `site`; no header at all for null). */
async function download(which: "csv" | "json", site: string | null): Promise<Response> {
  const headers: Record<string, string> = { cookie: auditor, "x-forwarded-host": "127.0.0.1:3000", "x-forwarded-proto": "http" };
  if (site !== null) Object.assign(headers, { "sec-fetch-site": site, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-user": "?1" });
  const path = which === "csv" ? "/api/audit/runs/export?q=C-1001" : `/api/audit/runs/${runId}/export`;
  const req = new Request(`${APP}${path}`, { headers });
  const { result } = await inRequestScope(req, () => (which === "csv" ? csv : json)(req, { params: Promise.resolve({ id: runId }) }));
  return result;
}

// The audit log is append-only (a reset of the world leaves it): each test looks at what it added.
const lastEntry = async () => (await db.auditEntry.aggregate({ _max: { id: true } }))._max.id ?? BigInt(0);
const exportsLogged = async (after: bigint) => db.auditEntry.findMany({ where: { kind: "export", id: { gt: after } }, select: { actor: true, subject: true } });

describe("audit exports start only from Switchboard's own pages", () => {
  it.each([["csv"], ["json"]] as const)("%s: a link on another site (cross-site, or same-site on another origin) is 403 forbidden:origin, and nothing is downloaded or logged", async (which) => {
    const since = await lastEntry();
    for (const site of ["cross-site", "same-site", "garbage"]) {
      const res = await download(which, site);
      expect(res.status, site).toBe(403);
      expect(res.headers.get("content-disposition"), site).toBeNull();
      expect((await res.json()).error, site).toMatchObject({ code: "forbidden:origin", details: { reason: "cross_site", secFetchSite: site } });
    }
    expect(await exportsLogged(since)).toEqual([]);
  });

  it.each([["csv"], ["json"]] as const)("%s: the audit page's own link (same-origin), the address bar (none) and a script without Fetch Metadata download it, each on the log", async (which) => {
    const since = await lastEntry();
    for (const site of ["same-origin", "none", null]) {
      const res = await download(which, site);
      expect(res.status, String(site)).toBe(200);
      expect(res.headers.get("content-disposition"), String(site)).toMatch(/^attachment; filename=/);
      const body = await res.text();
      expect(body, String(site)).toContain(which === "csv" ? "run_id,created_at,customer_id" : runId);
    }
    const subject = which === "csv" ? "runs:csv" : `run:${runId}`;
    expect(await exportsLogged(since)).toEqual(Array.from({ length: 3 }, () => ({ actor: "auditor@switchboard.local", subject })));
  });
});
