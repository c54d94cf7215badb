import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

// A chat customer is identified by a token that the host site's backend issues:
// base64url(JSON {sub, exp}) + "." + base64url(HMAC-SHA256(payload, secret)).
// The identity of a run always comes from here, never from message text.

const payloadSchema = z.object({ sub: z.string().regex(/^C-\d{4,}$/), exp: z.number().int() });
export type CustomerTokenPayload = z.infer<typeof payloadSchema>;

export type VerifyResult =
  | { ok: true; customerId: string; expiresAt: Date }
  | { ok: false; error: "missing" | "malformed" | "bad_signature" | "expired" };

const DEV_SECRET = "switchboard-dev-customer-token-secret";

/** The signing secret: CUSTOMER_TOKEN_SECRET, or a development default outside production. */
export function customerTokenSecret(env: NodeJS.ProcessEnv = process.env): string {
  const s = env.CUSTOMER_TOKEN_SECRET;
  if (s) return s;
  if (env.NODE_ENV === "production" && env.SWITCHBOARD_ALLOW_DEV_SECRETS !== "1") {
    throw new Error("CUSTOMER_TOKEN_SECRET must be set in production");
  }
  return DEV_SECRET;
}

function sign(payload: string, secret: string) {
  return createHmac("sha256", secret).update(payload).digest("base64url");
}

/** Issues a token for `customerId` valid for `ttlSeconds`. */
export function issueCustomerToken(customerId: string, opts: { secret?: string; ttlSeconds?: number; now?: Date } = {}): string {
  const now = opts.now ?? new Date();
  const body: CustomerTokenPayload = payloadSchema.parse({
    sub: customerId,
    exp: Math.floor(now.getTime() / 1000) + (opts.ttlSeconds ?? 3600),
  });
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${payload}.${sign(payload, opts.secret ?? customerTokenSecret())}`;
}

/** Checks signature and expiry; never throws. */
export function verifyCustomerToken(token: string | null | undefined, opts: { secret?: string; now?: Date } = {}): VerifyResult {
  if (!token) return { ok: false, error: "missing" };
  const parts = token.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, error: "malformed" };
  const [payload, mac] = parts;
  const expected = Buffer.from(sign(payload, opts.secret ?? customerTokenSecret()));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, error: "bad_signature" };
  let body: CustomerTokenPayload;
  try {
    body = payloadSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    return { ok: false, error: "malformed" };
  }
  const now = opts.now ?? new Date();
  if (body.exp * 1000 <= now.getTime()) return { ok: false, error: "expired" };
  return { ok: true, customerId: body.sub, expiresAt: new Date(body.exp * 1000) };
}
