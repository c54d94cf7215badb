import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from "jose";
import { z } from "zod";

// A chat customer is identified by a token that the host site's backend issues: a
// standard JWT (RFC 7519) signed with HS256 under a shared secret. The identity of a
// run always comes from here, never from message text.
//
//   header  { alg: "HS256", typ: "JWT", kid }       kid names the key, so keys can rotate
//   claims  { iss, aud, sub: "C-1001", iat, exp }   sub is the customer id
//
// Keys (configuration, README "Customer tokens"): CUSTOMER_TOKEN_SECRET under the id
// CUSTOMER_TOKEN_KID (default "default") signs and verifies; CUSTOMER_TOKEN_VERIFY_KEYS
// ("kid:secret,kid:secret") are accepted for verification only, which is how a key is
// brought in before hosts sign with it and kept until its last tokens have expired.

const customerIdSchema = z.string().regex(/^C-\d{4,}$/);

export type CustomerTokenFailure = "missing" | "malformed" | "bad_signature" | "expired" | "wrong_audience" | "wrong_issuer" | "unknown_key";

/** A token Switchboard signs for its own HTTP MCP calls also names the run and task they belong to. */
/**
 * A token issued for a run's worker: the run and task its tool calls belong to, and the
 * executor's lease (owner and epoch, or a review retry's), so a side effect made over
 * HTTP is fenced like one made in process (../db/run-lease).
 */
export type RunScope = { runId: string; taskId: string; lease?: { owner: string; epoch: number; reviewId?: string } };

/** expiresAt: when the token stops being honoured (its exp, or 24 h after its iat if sooner). */
export type VerifyResult = { ok: true; customerId: string; expiresAt: Date; scope?: RunScope } | { ok: false; error: CustomerTokenFailure };

export type CustomerTokenKey = { kid: string; secret: string };

/** Everything a token is signed and checked with. */
export type CustomerTokenConfig = {
  /** Signs new tokens; also verifies. */
  current: CustomerTokenKey;
  /** Verify only: the next key before hosts switch to it, or the previous one until its tokens expire. */
  verifyOnly: CustomerTokenKey[];
  issuer: string;
  audience: string;
};

const DEFAULT_KID = "default";
const DEFAULT_ISSUER = "switchboard-host";
const DEFAULT_AUDIENCE = "switchboard";
/** Clock skew allowed between the host's backend and Switchboard. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** No token is honoured longer than this after its iat, whatever its exp says. */
const MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;
/**
 * The longest token looked at (characters). A real one is a few hundred; anything far
 * longer is refused as malformed before it is parsed, with the usual JSON 401. (Node
 * itself answers a bare 431 to request headers over 16 KB, before any of our code.)
 */
export const MAX_TOKEN_LENGTH = 4096;
const MIN_SECRET_LENGTH = 32;
const KID = /^[\w.-]{1,64}$/;

const DEV_SECRET = "switchboard-dev-customer-token-secret";

function checkKey(key: CustomerTokenKey, variable: string): CustomerTokenKey {
  if (!KID.test(key.kid)) throw new Error(`${variable}: key id "${key.kid}" must be 1-64 letters, digits, _ . -`);
  if (key.secret.length < MIN_SECRET_LENGTH) throw new Error(`${variable}: the secret for key "${key.kid}" must be at least ${MIN_SECRET_LENGTH} characters`);
  return key;
}

function parseVerifyKeys(value: string | undefined): CustomerTokenKey[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(":");
      if (colon <= 0) throw new Error('CUSTOMER_TOKEN_VERIFY_KEYS: each entry is "kid:secret"');
      return checkKey({ kid: entry.slice(0, colon), secret: entry.slice(colon + 1) }, "CUSTOMER_TOKEN_VERIFY_KEYS");
    });
}

/**
 * The keys, issuer and audience from the environment. Outside production a missing
 * CUSTOMER_TOKEN_SECRET falls back to a development secret (npm start creates a real
 * one under .data/). Throws on configuration that would make tokens unsafe or ambiguous.
 */
export function customerTokenConfig(env: Record<string, string | undefined> = process.env): CustomerTokenConfig {
  let secret = env.CUSTOMER_TOKEN_SECRET;
  if (!secret) {
    if (env.NODE_ENV === "production" && env.SWITCHBOARD_ALLOW_DEV_SECRETS !== "1") {
      throw new Error("CUSTOMER_TOKEN_SECRET must be set in production");
    }
    secret = DEV_SECRET;
  }
  const current = checkKey({ kid: env.CUSTOMER_TOKEN_KID || DEFAULT_KID, secret }, "CUSTOMER_TOKEN_SECRET");
  const verifyOnly = parseVerifyKeys(env.CUSTOMER_TOKEN_VERIFY_KEYS);
  const kids = [current.kid, ...verifyOnly.map((k) => k.kid)];
  const duplicate = kids.find((kid, i) => kids.indexOf(kid) !== i);
  if (duplicate) throw new Error(`Customer token key id "${duplicate}" is configured twice`);
  return { current, verifyOnly, issuer: env.CUSTOMER_TOKEN_ISSUER || DEFAULT_ISSUER, audience: env.CUSTOMER_TOKEN_AUDIENCE || DEFAULT_AUDIENCE };
}

/** Options every function here takes: a whole config, or just a secret (key id "default"). */
export type TokenOptions = { config?: CustomerTokenConfig; secret?: string; now?: Date };

function configFrom(opts: TokenOptions): CustomerTokenConfig {
  if (opts.config) return opts.config;
  if (opts.secret) return { current: { kid: DEFAULT_KID, secret: opts.secret }, verifyOnly: [], issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE };
  return customerTokenConfig();
}

const encoder = new TextEncoder();

/** Issues a token for `customerId`, valid for `ttlSeconds` (at most MAX_TOKEN_AGE_SECONDS), signed with the current key. */
export async function issueCustomerToken(customerId: string, opts: TokenOptions & { ttlSeconds?: number; scope?: RunScope } = {}): Promise<string> {
  const sub = customerIdSchema.parse(customerId);
  const config = configFrom(opts);
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const ttl = Math.min(opts.ttlSeconds ?? 3600, MAX_TOKEN_AGE_SECONDS);
  const scope = opts.scope ? runScopeSchema.parse(opts.scope) : undefined;
  return new SignJWT(scope ? { [RUN_CLAIM]: scope.runId, [TASK_CLAIM]: scope.taskId, ...(scope.lease ? { [LEASE_CLAIM]: scope.lease } : {}) } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: config.current.kid })
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(encoder.encode(config.current.secret));
}

// The run scope's claims (private names, RFC 7519 §4.3). Signed, so an MCP caller
// cannot name a run the token was not issued for; the MCP route still checks the run
// against its own records (the customer's, and running).
const RUN_CLAIM = "sb_run";
const TASK_CLAIM = "sb_task";
const LEASE_CLAIM = "sb_lease";
const runScopeSchema = z.object({
  runId: z.string().regex(/^[\w.:-]{1,128}$/),
  taskId: z.string().regex(/^[\w.:-]{1,128}$/),
  lease: z.strictObject({ owner: z.string().min(1).max(256), epoch: z.number().int().min(0), reviewId: z.string().regex(/^[\w.:-]{1,128}$/).optional() }).optional(),
});

class UnknownKeyError extends Error {}

/** Which failure a jose error stands for. */
function failureOf(err: unknown): CustomerTokenFailure {
  if (err instanceof UnknownKeyError) return "unknown_key";
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  // Only HS256 is accepted: "none", RS256 (with our secret as a "public key") and the
  // like are forgeries, not malformed tokens.
  if (err instanceof errors.JOSEAlgNotAllowed) return "bad_signature";
  if (err instanceof errors.JWTClaimValidationFailed && err.reason === "check_failed") {
    if (err.claim === "aud") return "wrong_audience";
    if (err.claim === "iss") return "wrong_issuer";
  }
  return "malformed";
}

/**
 * When a token stops being honoured: its exp, or MAX_TOKEN_AGE_SECONDS after its iat if
 * that comes first (a host may sign a token "valid for a year"; it is refused after a day
 * all the same, so nothing built on it, such as the widget's cookie, may outlive that).
 */
function honouredUntil(exp: number, iat: number): Date {
  return new Date(Math.min(exp, iat + MAX_TOKEN_AGE_SECONDS) * 1000);
}

/**
 * Checks a token: at most MAX_TOKEN_LENGTH characters, HS256 only, a known kid, the
 * signature, iss, aud, sub, and iat/exp with CLOCK_TOLERANCE_SECONDS of skew. Never
 * throws for a bad token (configuration errors do throw).
 */
export async function verifyCustomerToken(token: string | null | undefined, opts: TokenOptions = {}): Promise<VerifyResult> {
  if (!token) return { ok: false, error: "missing" };
  if (token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) return { ok: false, error: "malformed" };
  const config = configFrom(opts);
  const keys = new Map([config.current, ...config.verifyOnly].map((k) => [k.kid, k.secret]));
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const secret = header.kid === undefined ? undefined : keys.get(header.kid);
        if (secret === undefined) throw new UnknownKeyError(`no key "${header.kid}"`);
        return encoder.encode(secret);
      },
      {
        algorithms: ["HS256"],
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ["sub", "exp", "iat"],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: opts.now,
      },
    );
    const sub = customerIdSchema.safeParse(payload.sub);
    if (!sub.success || typeof payload.exp !== "number" || typeof payload.iat !== "number") return { ok: false, error: "malformed" };
    const verified = { ok: true as const, customerId: sub.data, expiresAt: honouredUntil(payload.exp, payload.iat) };
    if (payload[RUN_CLAIM] === undefined && payload[TASK_CLAIM] === undefined) return verified;
    const scope = runScopeSchema.safeParse({ runId: payload[RUN_CLAIM], taskId: payload[TASK_CLAIM], lease: payload[LEASE_CLAIM] });
    return scope.success ? { ...verified, scope: scope.data } : { ok: false, error: "malformed" };
  } catch (err) {
    return { ok: false, error: failureOf(err) };
  }
}
