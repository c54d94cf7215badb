import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TOKEN_LENGTH } from "@/lib/tokens/customer-token";

// An oversized Bearer token, below Node's own 16 KB header limit (above it Node answers
// a bare 431 before any of our code runs): the one JSON 401 shape, not a parse of it.
const APP = "http://127.0.0.1:3000";
const SECRET = "customer-session-test-secret-0123456789ab";

let GET: (req: Request) => Promise<Response>;

beforeAll(async () => {
  process.env.CUSTOMER_TOKEN_SECRET = SECRET;
  ({ GET } = await import("./route"));
});
afterAll(() => void delete process.env.CUSTOMER_TOKEN_SECRET);

async function signed(claims: Record<string, unknown> = {}) {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "default" })
    .setIssuer("switchboard-host")
    .setAudience("switchboard")
    .setSubject("C-1001")
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(new TextEncoder().encode(SECRET));
}

const ask = (token: string) => GET(new Request(`${APP}/api/customer/session`, { headers: { authorization: `Bearer ${token}` } }));

describe("GET /api/customer/session with a token past the sane maximum", () => {
  it("answers 401 customer_token_malformed to a 12 KB token, validly signed or not", async () => {
    const big = await signed({ pad: "x".repeat(9000) });
    expect(big.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(big.length).toBeLessThan(16 * 1024);
    for (const token of [big, "a".repeat(12_000)]) {
      const res = await ask(token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("invalid_token");
      expect((await res.json()).error).toMatchObject({ code: "unauthorized:session", details: { reason: "customer_token_malformed" } });
    }
    expect((await ask(await signed())).status).toBe(200);
  });
});
