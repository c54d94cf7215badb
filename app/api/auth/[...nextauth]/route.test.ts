import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { isRevoked } from "@/lib/auth/sign-out";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

// Auth.js's own endpoints through the app's route handler, without the proxy, against
// the real database: the way out that is not the console's sign-out button.
vi.mock("server-only", () => ({}));

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const SECRET = "route-test-auth-secret-0123456789abcdef";
const SESSION_COOKIE = "authjs.session-token";

type Handler = (req: NextRequest) => Promise<Response>;
let GET: Handler;
let POST: Handler;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.AUTH_SECRET = SECRET;
  ({ GET, POST } = (await import("./route")) as unknown as { GET: Handler; POST: Handler });
});
afterAll(() => getDb().$disconnect());
beforeEach(() => resetTestWorld(db));
// Staff accounts outlive resetTestWorld: leave no revoked sessions behind for other test files.
afterEach(() => db.staffUser.updateMany({ data: { sessionsValidAfter: null } }));

/** A session cookie exactly as Auth.js issues one at sign-in (lib/auth/config.ts's jwt callback). */
async function sessionCookie(email: string, signedInAt: number) {
  const staff = await db.staffUser.findUniqueOrThrow({ where: { email } });
  const token = await encode({ token: { sub: staff.id, email, name: staff.name, role: staff.role, signedInAt }, secret: SECRET, salt: SESSION_COOKIE });
  return { staff, cookie: `${SESSION_COOKIE}=${token}` };
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]);

/** As a browser does: fetch the CSRF token (and its cookie), then post the sign-out form with both. */
async function signOutThroughAuthJs(sessionCookie: string) {
  const csrf = await GET(new NextRequest(`${APP}/api/auth/csrf`, { headers: { cookie: sessionCookie } }));
  expect(csrf.status).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = [sessionCookie, ...cookiesOf(csrf)].join("; ");
  return POST(
    new NextRequest(`${APP}/api/auth/signout`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: APP },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${APP}/` }),
    }),
  );
}

async function signOuts(email: string) {
  return db.auditEntry.count({ where: { kind: "sign_out", actor: email } });
}

describe("POST /api/auth/signout (Auth.js's own endpoint)", () => {
  it("revokes the session on the server: a copy of the cookie no longer works, and sign_out is on the audit log", async () => {
    const signedInAt = Date.now() - 60_000;
    const { staff, cookie } = await sessionCookie("reviewer@switchboard.local", signedInAt);
    const audited = await signOuts(staff.email);
    const res = await signOutThroughAuthJs(cookie);
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);

    const row = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    // getStaffSession's own test: the copied cookie's session is refused.
    expect(isRevoked(signedInAt, row.sessionsValidAfter)).toBe(true);
    expect(await signOuts(staff.email)).toBe(audited + 1);
  });

  it("a copied cookie already revoked cannot sign its owner out of the sessions opened since", async () => {
    const { staff, cookie: old } = await sessionCookie("auditor@switchboard.local", Date.now() - 120_000);
    const audited = await signOuts(staff.email);
    await signOutThroughAuthJs(old);
    const revokedAt = (await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } })).sessionsValidAfter;
    const laterSignIn = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));

    expect((await signOutThroughAuthJs(old)).status).toBe(302);
    const row = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(row.sessionsValidAfter).toEqual(revokedAt);
    expect(isRevoked(laterSignIn, row.sessionsValidAfter)).toBe(false);
    expect(await signOuts(staff.email)).toBe(audited + 1);
  });

  it("without a session signs nobody out and records nothing", async () => {
    const before = await db.staffUser.findMany({ select: { id: true, sessionsValidAfter: true }, orderBy: { id: "asc" } });
    const audited = await db.auditEntry.count({ where: { kind: "sign_out" } });
    const res = await signOutThroughAuthJs(`${SESSION_COOKIE}=not-a-token`);
    expect(res.status).toBe(302);
    expect(await db.staffUser.findMany({ select: { id: true, sessionsValidAfter: true }, orderBy: { id: "asc" } })).toEqual(before);
    expect(await db.auditEntry.count({ where: { kind: "sign_out" } })).toBe(audited);
  });
});
