import { describe, expect, it } from "vitest";
import { CUSTOMER_COOKIE, readCustomerFromRequest } from "./customer-session";
import { issueCustomerToken } from "../tokens/customer-token";

const secret = "test-secret-with-enough-entropy-0123456789";
const now = new Date("2026-11-15T12:00:00Z");
const token = await issueCustomerToken("C-1004", { secret, now });

describe("reading the customer from a request", () => {
  it("accepts a Bearer token", async () => {
    const req = new Request("http://x/api", { headers: { authorization: `Bearer ${token}` } });
    expect(await readCustomerFromRequest(req, { secret, now })).toMatchObject({ ok: true, customerId: "C-1004" });
  });

  it("accepts the cookie from the Cookie header", async () => {
    const req = new Request("http://x/api", { headers: { cookie: `other=1; ${CUSTOMER_COOKIE}=${token}` } });
    expect(await readCustomerFromRequest(req, { secret, now })).toMatchObject({ ok: true, customerId: "C-1004" });
  });

  it("accepts the cookie from a cookie store (next/headers)", async () => {
    const cookies = { get: (name: string) => (name === CUSTOMER_COOKIE ? { value: token } : undefined) };
    expect(await readCustomerFromRequest({ cookies }, { secret, now })).toMatchObject({ ok: true, customerId: "C-1004" });
  });

  it("prefers the Authorization header over the cookie", async () => {
    const other = await issueCustomerToken("C-1001", { secret, now });
    const req = new Request("http://x/api", { headers: { authorization: `Bearer ${other}`, cookie: `${CUSTOMER_COOKIE}=${token}` } });
    expect(await readCustomerFromRequest(req, { secret, now })).toMatchObject({ ok: true, customerId: "C-1001" });
  });

  it("treats a non-Bearer Authorization header as malformed, not as absent", async () => {
    const req = new Request("http://x/api", { headers: { authorization: "Basic abc", cookie: `${CUSTOMER_COOKIE}=${token}` } });
    expect(await readCustomerFromRequest(req, { secret, now })).toEqual({ ok: false, error: "malformed" });
  });

  it("reports missing, expired and forged tokens", async () => {
    expect(await readCustomerFromRequest(new Request("http://x/api"), { secret, now })).toEqual({ ok: false, error: "missing" });
    const later = new Date(now.getTime() + 2 * 3600_000);
    const req = new Request("http://x/api", { headers: { authorization: `Bearer ${token}` } });
    expect(await readCustomerFromRequest(req, { secret, now: later })).toEqual({ ok: false, error: "expired" });
    expect(await readCustomerFromRequest(req, { secret: "another-secret-that-is-long-enough-00000", now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it("reads a cookie that is not valid percent-encoding as malformed, never throwing", async () => {
    for (const value of ["%E0%A4%A", "%", "%zz", "abc%"]) {
      const req = new Request("http://x/api", { headers: { cookie: `${CUSTOMER_COOKIE}=${value}` } });
      expect(await readCustomerFromRequest(req, { secret, now }), value).toEqual({ ok: false, error: "malformed" });
    }
  });
});
