import { verifyCustomerToken, type VerifyResult } from "./customer-token";

// How a chat request says which customer it is: `Authorization: Bearer <token>` (a
// host site's backend or a script) or the httpOnly `sb_customer` cookie (the demo chat
// page). Both carry the same signed token; the message text never decides identity.

export const CUSTOMER_COOKIE = "sb_customer";

type HeaderSource = { get(name: string): string | null };
type CookieSource = { get(name: string): { value: string } | undefined };
/** A Request / NextRequest, or the stores from next/headers' headers() and cookies(). */
export type CustomerRequestSource = { headers?: HeaderSource; cookies?: CookieSource };

function cookieFromHeader(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The raw token from the request: the Authorization header first, then the cookie. */
export function customerTokenFrom(source: CustomerRequestSource): string | null {
  const authorization = source.headers?.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    // A present but unusable header is an error, not a reason to fall back to the cookie.
    return match ? match[1] : "";
  }
  const fromCookie = source.cookies?.get(CUSTOMER_COOKIE)?.value ?? cookieFromHeader(source.headers?.get("cookie") ?? null, CUSTOMER_COOKIE);
  return fromCookie ?? null;
}

/** Verifies the customer token a request carries; never throws. */
export function readCustomerFromRequest(source: CustomerRequestSource, opts: { secret?: string; now?: Date } = {}): VerifyResult {
  const token = customerTokenFrom(source);
  if (token === "") return { ok: false, error: "malformed" };
  return verifyCustomerToken(token, opts);
}

const MESSAGES: Record<Extract<VerifyResult, { ok: false }>["error"], string> = {
  missing: "No customer token: send Authorization: Bearer <token> or the sb_customer cookie.",
  malformed: "The customer token is malformed.",
  bad_signature: "The customer token's signature is not valid.",
  expired: "The customer token has expired: ask the host site for a new one.",
};

/** The 401 for a failed verification, with a machine-readable code. */
export function customerUnauthorizedResponse(result: Extract<VerifyResult, { ok: false }>): Response {
  return Response.json(
    { error: "unauthorized", code: `customer_token_${result.error}`, message: MESSAGES[result.error] },
    {
      status: 401,
      headers: {
        "cache-control": "no-store",
        "www-authenticate": `Bearer realm="switchboard-chat", error="${result.error === "missing" ? "invalid_request" : "invalid_token"}"`,
      },
    },
  );
}
