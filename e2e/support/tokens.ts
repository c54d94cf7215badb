import { SignJWT } from "jose";
import { E2E_CUSTOMER_TOKEN_SECRET } from "./env";

// Customer tokens as a host backend would mint them, good and bad, for the API checks.

type Over = { customerId?: string; secret?: string; kid?: string; audience?: string; issuedAgoSeconds?: number; ttlSeconds?: number };

export async function customerToken(over: Over = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - (over.issuedAgoSeconds ?? 0);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: over.kid ?? "default" })
    .setIssuer("switchboard-host")
    .setAudience(over.audience ?? "switchboard")
    .setSubject(over.customerId ?? "C-1001")
    .setIssuedAt(iat)
    .setExpirationTime(iat + (over.ttlSeconds ?? 600))
    .sign(new TextEncoder().encode(over.secret ?? E2E_CUSTOMER_TOKEN_SECRET));
}

/** The four ways a token goes wrong that a host can cause, with the reason the API gives. */
export async function badTokens(): Promise<Array<{ label: string; token: string; reason: string }>> {
  return [
    { label: "expired", token: await customerToken({ issuedAgoSeconds: 3600, ttlSeconds: 600 }), reason: "customer_token_expired" },
    { label: "forged", token: await customerToken({ secret: "not-the-shared-secret-but-long-enough-000" }), reason: "customer_token_bad_signature" },
    { label: "wrong audience", token: await customerToken({ audience: "another-service" }), reason: "customer_token_wrong_audience" },
    { label: "unknown key", token: await customerToken({ kid: "retired-2025" }), reason: "customer_token_unknown_key" },
  ];
}
