import { verifyCustomerToken, type TokenOptions, type VerifyResult } from "../tokens/customer-token";

// How a chat request says which customer it is: `Authorization: Bearer <token>` (a
// host site's backend or a script) or the httpOnly `sb_customer` cookie (the demo chat
// page). Both carry the same signed token; the message text never decides identity.

export const CUSTOMER_COOKIE = "sb_customer";

type HeaderSource = { get(name: string): string | null };
type CookieSource = { get(name: string): { value: string } | undefined };
/** A Request / NextRequest, or the stores from next/headers' headers() and cookies(). */
export type CustomerRequestSource = { headers?: HeaderSource; cookies?: CookieSource };

/**
 * The cookie's value from a Cookie header. A value that is not valid percent-encoding
 * (`%E0%A4%A`) is not a token: it reads as "" (malformed, a 401), where
 * decodeURIComponent would throw a URIError and the request end in a 500.
 */
function cookieFromHeader(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return safeDecode(part.slice(eq + 1).trim());
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return "";
  }
}

/** The raw token from the request: the Authorization header first, then the cookie. */
function customerTokenFrom(source: CustomerRequestSource): string | null {
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
export async function readCustomerFromRequest(source: CustomerRequestSource, opts: TokenOptions = {}): Promise<VerifyResult> {
  const token = customerTokenFrom(source);
  if (token === "") return { ok: false, error: "malformed" };
  return verifyCustomerToken(token, opts);
}

/**
 * The chat cookie's Max-Age for a verified token: until the token stops being honoured
 * (`expiresAt` is already capped at 24 h after its iat), never longer, so the browser
 * drops the cookie when the server would start refusing it.
 */
export function customerCookieMaxAge(verified: { expiresAt: Date }, now: Date = new Date()): number {
  return Math.max(0, Math.floor((verified.expiresAt.getTime() - now.getTime()) / 1000));
}
