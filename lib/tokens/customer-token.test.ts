import { createHmac } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { customerTokenConfig, issueCustomerToken, MAX_TOKEN_LENGTH, verifyCustomerToken, type CustomerTokenConfig } from "./customer-token";

const secret = "test-secret-with-enough-entropy-0123456789";
const now = new Date("2026-11-15T12:00:00Z");
const nowSeconds = Math.floor(now.getTime() / 1000);
const config: CustomerTokenConfig = {
  current: { kid: "2026-11", secret },
  verifyOnly: [{ kid: "2026-05", secret: "the-previous-secret-also-long-enough-0123" }],
  issuer: "switchboard-host",
  audience: "switchboard",
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token as a host backend would build it with jose, with every part overridable. */
async function hostToken(
  over: { claims?: Record<string, unknown>; header?: Record<string, unknown>; secret?: string; omit?: string[] } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { iss: "switchboard-host", aud: "switchboard", sub: "C-1001", iat: nowSeconds, exp: nowSeconds + 600, ...over.claims };
  for (const name of over.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "2026-11", ...over.header } as { alg: string })
    .sign(new TextEncoder().encode(over.secret ?? secret));
}

describe("customer tokens are standard JWTs", () => {
  it("issues HS256 with kid, iss, aud, sub, iat and exp, and verifies it", async () => {
    const token = await issueCustomerToken("C-1001", { config, now, ttlSeconds: 600 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT", kid: "2026-11" });
    expect(decodeJwt(token)).toEqual({ iss: "switchboard-host", aud: "switchboard", sub: "C-1001", iat: nowSeconds, exp: nowSeconds + 600 });
    expect(await verifyCustomerToken(token, { config, now })).toEqual({ ok: true, customerId: "C-1001", expiresAt: new Date("2026-11-15T12:10:00Z") });
  });

  it("accepts a token a host backend built with jose itself (the README example)", async () => {
    expect(await verifyCustomerToken(await hostToken(), { config, now })).toMatchObject({ ok: true, customerId: "C-1001" });
  });

  it("a bare secret means one key with kid 'default'", async () => {
    const token = await issueCustomerToken("C-1002", { secret, now });
    expect(decodeProtectedHeader(token).kid).toBe("default");
    expect(await verifyCustomerToken(token, { secret, now })).toMatchObject({ ok: true, customerId: "C-1002" });
  });

  it("caps the lifetime at 24 hours", async () => {
    const token = await issueCustomerToken("C-1001", { config, now, ttlSeconds: 7 * 24 * 3600 });
    expect(decodeJwt(token).exp).toBe(nowSeconds + 24 * 3600);
  });

  it("says a token is honoured until 24 h after its iat when its exp is later (a host signed it for a year)", async () => {
    const token = await hostToken({ claims: { exp: nowSeconds + 365 * 24 * 3600 } });
    expect(await verifyCustomerToken(token, { config, now })).toEqual({ ok: true, customerId: "C-1001", expiresAt: new Date("2026-11-16T12:00:00Z") });
    // And it is refused after that, whatever its exp says.
    expect(await verifyCustomerToken(token, { config, now: new Date("2026-11-16T12:01:00Z") })).toEqual({ ok: false, error: "expired" });
  });

  it("refuses to issue a token for something that is not a customer id", async () => {
    await expect(issueCustomerToken("admin", { config })).rejects.toThrow();
  });
});

describe("verification failures", () => {
  it("refuses a token longer than MAX_TOKEN_LENGTH as malformed, even one validly signed", async () => {
    const padded = await hostToken({ claims: { pad: "x".repeat(MAX_TOKEN_LENGTH) } });
    expect(await verifyCustomerToken(padded, { config, now })).toEqual({ ok: false, error: "malformed" });
    const justUnder = await hostToken({ claims: { pad: "x".repeat(MAX_TOKEN_LENGTH / 2) } });
    expect(justUnder.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(await verifyCustomerToken(justUnder, { config, now })).toMatchObject({ ok: true });
  });

  it("missing", async () => {
    expect(await verifyCustomerToken(undefined, { config })).toEqual({ ok: false, error: "missing" });
    expect(await verifyCustomerToken("", { config })).toEqual({ ok: false, error: "missing" });
  });

  it.each([
    ["not a JWT", "abc"],
    ["the old two-part format", `${b64({ sub: "C-1001", exp: nowSeconds + 60 })}.c2lnbmF0dXJl`],
    ["four parts", "a.b.c.d"],
    ["a header that is not JSON", "bm90LWpzb24.e30.c2ln"],
  ])("malformed: %s", async (_label, token) => {
    expect(await verifyCustomerToken(token, { config, now })).toEqual({ ok: false, error: "malformed" });
  });

  it("malformed: a signed token without sub, exp or iat, or whose sub is not a customer id", async () => {
    for (const omit of ["sub", "exp", "iat"]) {
      expect(await verifyCustomerToken(await hostToken({ omit: [omit] }), { config, now }), omit).toEqual({ ok: false, error: "malformed" });
    }
    expect(await verifyCustomerToken(await hostToken({ claims: { sub: "admin" } }), { config, now })).toEqual({ ok: false, error: "malformed" });
  });

  it("malformed: issued in the future beyond the clock tolerance", async () => {
    const ahead = await hostToken({ claims: { iat: nowSeconds + 120, exp: nowSeconds + 600 } });
    expect(await verifyCustomerToken(ahead, { config, now })).toEqual({ ok: false, error: "malformed" });
    const slightlyAhead = await hostToken({ claims: { iat: nowSeconds + 10 } });
    expect((await verifyCustomerToken(slightlyAhead, { config, now })).ok).toBe(true);
  });

  it("bad_signature: another secret, a swapped payload, a tampered signature", async () => {
    expect(await verifyCustomerToken(await hostToken({ secret: "someone-elses-secret-of-the-same-length!" }), { config, now })).toEqual({
      ok: false,
      error: "bad_signature",
    });
    const [header, , signature] = (await hostToken()).split(".");
    const swapped = `${header}.${b64({ iss: "switchboard-host", aud: "switchboard", sub: "C-1002", iat: nowSeconds, exp: nowSeconds + 600 })}.${signature}`;
    expect(await verifyCustomerToken(swapped, { config, now })).toEqual({ ok: false, error: "bad_signature" });
    const token = await hostToken();
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect(await verifyCustomerToken(tampered, { config, now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it("bad_signature: any alg but HS256 (none, HS512)", async () => {
    const claims = b64({ iss: "switchboard-host", aud: "switchboard", sub: "C-1001", iat: nowSeconds, exp: nowSeconds + 600 });
    const none = `${b64({ alg: "none", kid: "2026-11" })}.${claims}.`;
    expect(await verifyCustomerToken(none, { config, now })).toEqual({ ok: false, error: "bad_signature" });
    const hs512Header = b64({ alg: "HS512", kid: "2026-11" });
    const mac = createHmac("sha512", secret).update(`${hs512Header}.${claims}`).digest("base64url");
    expect(await verifyCustomerToken(`${hs512Header}.${claims}.${mac}`, { config, now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it("expired: past exp beyond the clock tolerance, or iat older than 24 hours", async () => {
    const token = await issueCustomerToken("C-1001", { config, now, ttlSeconds: 60 });
    expect((await verifyCustomerToken(token, { config, now: new Date(now.getTime() + 80_000) })).ok).toBe(true);
    expect(await verifyCustomerToken(token, { config, now: new Date(now.getTime() + 90_000) })).toEqual({ ok: false, error: "expired" });
    const longLived = await hostToken({ claims: { iat: nowSeconds - 25 * 3600, exp: nowSeconds + 3600 } });
    expect(await verifyCustomerToken(longLived, { config, now })).toEqual({ ok: false, error: "expired" });
  });

  it("wrong_audience and wrong_issuer", async () => {
    expect(await verifyCustomerToken(await hostToken({ claims: { aud: "another-service" } }), { config, now })).toEqual({ ok: false, error: "wrong_audience" });
    expect(await verifyCustomerToken(await hostToken({ omit: ["aud"] }), { config, now })).toEqual({ ok: false, error: "malformed" });
    expect(await verifyCustomerToken(await hostToken({ claims: { iss: "someone-else" } }), { config, now })).toEqual({ ok: false, error: "wrong_issuer" });
  });

  it("unknown_key: a kid that is not configured, or none at all", async () => {
    expect(await verifyCustomerToken(await hostToken({ header: { kid: "2025-01" } }), { config, now })).toEqual({ ok: false, error: "unknown_key" });
    expect(await verifyCustomerToken(await hostToken({ header: { kid: undefined } }), { config, now })).toEqual({ ok: false, error: "unknown_key" });
  });
});

describe("key rotation", () => {
  it("verifies tokens under a verify-only key and signs with the current one", async () => {
    const old = await hostToken({ header: { kid: "2026-05" }, secret: config.verifyOnly[0].secret });
    expect(await verifyCustomerToken(old, { config, now })).toMatchObject({ ok: true, customerId: "C-1001" });
    // Once the old key is dropped, its tokens are refused as unknown_key.
    expect(await verifyCustomerToken(old, { config: { ...config, verifyOnly: [] }, now })).toEqual({ ok: false, error: "unknown_key" });
    // A kid cannot be paired with another key's secret.
    const mixed = await hostToken({ header: { kid: "2026-11" }, secret: config.verifyOnly[0].secret });
    expect(await verifyCustomerToken(mixed, { config, now })).toEqual({ ok: false, error: "bad_signature" });
  });
});

describe("configuration from the environment", () => {
  const longSecret = "a".repeat(32);

  it("CUSTOMER_TOKEN_SECRET alone is the one key, kid 'default'", () => {
    expect(customerTokenConfig({ CUSTOMER_TOKEN_SECRET: longSecret })).toEqual({
      current: { kid: "default", secret: longSecret },
      verifyOnly: [],
      issuer: "switchboard-host",
      audience: "switchboard",
    });
  });

  it("reads the current kid, verify-only keys, issuer and audience", () => {
    const env = {
      CUSTOMER_TOKEN_SECRET: longSecret,
      CUSTOMER_TOKEN_KID: "2026-11",
      CUSTOMER_TOKEN_VERIFY_KEYS: ` 2026-05:${"b".repeat(32)} , 2027-01:${"c".repeat(31)}: `,
      CUSTOMER_TOKEN_ISSUER: "https://shop.example",
      CUSTOMER_TOKEN_AUDIENCE: "switchboard-prod",
    };
    expect(customerTokenConfig(env)).toEqual({
      current: { kid: "2026-11", secret: longSecret },
      verifyOnly: [
        { kid: "2026-05", secret: "b".repeat(32) },
        { kid: "2027-01", secret: `${"c".repeat(31)}:` },
      ],
      issuer: "https://shop.example",
      audience: "switchboard-prod",
    });
  });

  it.each([
    ["a short secret", { CUSTOMER_TOKEN_SECRET: "short" }, /at least 32/],
    ["a verify key without kid", { CUSTOMER_TOKEN_SECRET: longSecret, CUSTOMER_TOKEN_VERIFY_KEYS: "nokid" }, /kid:secret/],
    ["a short verify key", { CUSTOMER_TOKEN_SECRET: longSecret, CUSTOMER_TOKEN_VERIFY_KEYS: "old:short" }, /at least 32/],
    ["a kid twice", { CUSTOMER_TOKEN_SECRET: longSecret, CUSTOMER_TOKEN_VERIFY_KEYS: `default:${longSecret}` }, /configured twice/],
    ["a kid with spaces", { CUSTOMER_TOKEN_SECRET: longSecret, CUSTOMER_TOKEN_KID: "my key" }, /key id/],
    ["production without a secret", { NODE_ENV: "production" }, /must be set in production/],
  ])("refuses %s", (_label, env, message) => {
    expect(() => customerTokenConfig(env)).toThrow(message);
  });
});

describe("a run scope (Switchboard's own HTTP MCP calls)", () => {
  it("is carried as signed claims and read back; a token without one has none", async () => {
    const scope = { runId: "4b7c2f0e-1111-4222-8333-944455556666", taskId: "t1" };
    const token = await issueCustomerToken("C-1001", { config, now, scope });
    expect(decodeJwt(token)).toMatchObject({ sb_run: scope.runId, sb_task: "t1" });
    expect(await verifyCustomerToken(token, { config, now })).toMatchObject({ ok: true, customerId: "C-1001", scope });
    expect(await verifyCustomerToken(await issueCustomerToken("C-1001", { config, now }), { config, now })).not.toHaveProperty("scope");
  });

  it("makes a token malformed when half of it, or a value that is not an id, is there", async () => {
    for (const claims of [{ sb_run: "r1" }, { sb_task: "t1" }, { sb_run: "has spaces", sb_task: "t1" }, { sb_run: 42, sb_task: "t1" }]) {
      expect(await verifyCustomerToken(await hostToken({ claims }), { config, now }), JSON.stringify(claims)).toEqual({ ok: false, error: "malformed" });
    }
  });
});
