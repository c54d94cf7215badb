import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

// The widget's token exchange, called without the proxy, against the real database.
// next/headers' cookie store exists only inside a Next request: here it is a recorder.
vi.mock("server-only", () => ({}));
const set: Array<{ name: string; value: string; options: Record<string, unknown> }> = [];
vi.mock("next/headers", () => ({
  cookies: async () => ({ set: (name: string, value: string, options: Record<string, unknown>) => void set.push({ name, value, options }) }),
}));

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const HOST = "https://shop.example";
const SECRET = "widget-route-test-secret-0123456789abcdef";

let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.CUSTOMER_TOKEN_SECRET = SECRET;
  process.env.WIDGET_ALLOWED_ORIGINS = HOST;
  ({ POST } = await import("./route"));
  await resetTestWorld(db);
});
afterAll(async () => {
  delete process.env.CUSTOMER_TOKEN_SECRET;
  delete process.env.WIDGET_ALLOWED_ORIGINS;
  await getDb().$disconnect();
});

/** A token as a host's backend signs it, valid for `ttlSeconds` from now. */
async function hostToken(ttlSeconds: number) {
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "default" })
    .setIssuer("switchboard-host")
    .setAudience("switchboard")
    .setSubject("C-1004")
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(new TextEncoder().encode(SECRET));
  return { token, iat };
}

function exchange(token: string) {
  return POST(new Request(`${APP}/api/widget/session`, { method: "POST", headers: { origin: APP, "content-type": "application/json" }, body: JSON.stringify({ token, hostOrigin: HOST }) }));
}

describe("POST /api/widget/session: the chat cookie's lifetime", () => {
  it("follows a short token's exp", async () => {
    set.length = 0;
    const { token } = await hostToken(600);
    expect((await exchange(token)).status).toBe(200);
    expect(set).toHaveLength(1);
    expect(set[0].options.maxAge).toBeGreaterThan(590);
    expect(set[0].options.maxAge).toBeLessThanOrEqual(600);
  });

  it("never outlives what is honoured: a token signed for a year gets a cookie (and an expiresAt) of at most 24 h after its iat", async () => {
    set.length = 0;
    const { token, iat } = await hostToken(365 * 24 * 3600);
    const res = await exchange(token);
    expect(res.status).toBe(200);
    expect(set[0]).toMatchObject({ name: "sb_customer", options: { httpOnly: true, secure: true, sameSite: "none", partitioned: true } });
    expect(set[0].options.maxAge).toBeLessThanOrEqual(24 * 3600);
    expect(set[0].options.maxAge).toBeGreaterThan(24 * 3600 - 60);
    expect((await res.json()).expiresAt).toBe(new Date((iat + 24 * 3600) * 1000).toISOString());
  });
});
