import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueCustomerToken, verifyCustomerToken } from "./customer-token";

const secret = "test-secret-with-enough-entropy-0123456789";
const now = new Date("2026-11-15T12:00:00Z");

describe("customer tokens", () => {
  it("verifies a token it issued and returns the customer and expiry", () => {
    const token = issueCustomerToken("C-1001", { secret, now, ttlSeconds: 600 });
    const result = verifyCustomerToken(token, { secret, now });
    expect(result).toEqual({ ok: true, customerId: "C-1001", expiresAt: new Date("2026-11-15T12:10:00Z") });
  });

  it("rejects a token at and after its expiry", () => {
    const token = issueCustomerToken("C-1001", { secret, now, ttlSeconds: 60 });
    expect(verifyCustomerToken(token, { secret, now: new Date(now.getTime() + 59_000) }).ok).toBe(true);
    expect(verifyCustomerToken(token, { secret, now: new Date(now.getTime() + 60_000) })).toEqual({ ok: false, error: "expired" });
  });

  it("rejects a token signed with another secret", () => {
    const token = issueCustomerToken("C-1001", { secret: "someone-elses-secret", now });
    expect(verifyCustomerToken(token, { secret, now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it("rejects a payload swapped for another customer's (forged identity)", () => {
    const [, mac] = issueCustomerToken("C-1001", { secret, now }).split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ sub: "C-1002", exp: Math.floor(now.getTime() / 1000) + 3600 })).toString("base64url");
    expect(verifyCustomerToken(`${forgedPayload}.${mac}`, { secret, now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it("rejects a tampered signature", () => {
    const token = issueCustomerToken("C-1001", { secret, now });
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect(verifyCustomerToken(tampered, { secret, now })).toEqual({ ok: false, error: "bad_signature" });
  });

  it.each([
    ["no dot", "abc"],
    ["three parts", "a.b.c"],
    ["empty payload", ".abc"],
    ["empty signature", "abc."],
  ])("rejects a malformed token (%s)", (_label, token) => {
    expect(verifyCustomerToken(token, { secret, now })).toEqual({ ok: false, error: "malformed" });
  });

  it("rejects a correctly signed payload that is not a token body", () => {
    const payload = Buffer.from(JSON.stringify({ sub: "not-a-customer", exp: 1 })).toString("base64url");
    const mac = createHmac("sha256", secret).update(payload).digest("base64url");
    expect(verifyCustomerToken(`${payload}.${mac}`, { secret, now })).toEqual({ ok: false, error: "malformed" });
  });

  it("reports a missing token", () => {
    expect(verifyCustomerToken(undefined, { secret })).toEqual({ ok: false, error: "missing" });
    expect(verifyCustomerToken("", { secret })).toEqual({ ok: false, error: "missing" });
  });

  it("refuses to issue a token for something that is not a customer id", () => {
    expect(() => issueCustomerToken("admin", { secret })).toThrow();
  });
});
