import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

// The health endpoint per caller, against the real database; the staff session is a
// stand-in (next-auth reads its cookie from a Next request), and so is the database's
// answer for the 503 case.
vi.mock("server-only", () => ({}));
let sessionUser: { id: string; email: string; name: string; role: string } | null = null;
// A session signed in just now (an earlier sign-out of the account does not revoke it).
vi.mock("@/lib/auth/auth", () => ({ auth: async () => (sessionUser ? { user: { ...sessionUser, signedInAt: Date.now() } } : null) }));
let databaseDown = false;
vi.mock("@/lib/db/queries/health", () => ({ pingDatabase: async () => (databaseDown ? { ok: false, latencyMs: 2000 } : { ok: true, latencyMs: 1 }) }));

const db = useTestDb();
let GET: () => Promise<Response>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  ({ GET } = (await import("./route")) as unknown as { GET: () => Promise<Response> });
  await resetTestWorld(db);
});
afterAll(() => getDb().$disconnect());

async function signedInAs(email: string | null) {
  sessionUser = email ? await db.staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, role: true } }) : null;
}

describe("GET /api/health", () => {
  it("tells an anonymous caller the status and nothing else: no version, uptime or database kind", async () => {
    databaseDown = false;
    await signedInAs(null);
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("gives a signed-in staff member (any role) the details", async () => {
    databaseDown = false;
    await signedInAs("reviewer@switchboard.local");
    const body = await (await GET()).json();
    expect(body).toMatchObject({ status: "ok", app: { version: expect.any(String) }, database: { status: "ok", kind: expect.stringMatching(/^(embedded|external)$/), latencyMs: 1 } });
    expect(body.app.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it("answers 503 when the database does not answer, to anonymous callers with the status and the error only", async () => {
    databaseDown = true;
    await signedInAs(null);
    const res = await GET();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "degraded", error: { code: "unavailable:health", message: "The database did not answer." } });
    await signedInAs("auditor@switchboard.local");
    expect(await (await GET()).json()).toMatchObject({ status: "degraded", database: { status: "error" }, error: { code: "unavailable:health" } });
    databaseDown = false;
  });
});
