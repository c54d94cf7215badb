import { z } from "zod";
import type { Db } from "../db/client";
import { customerTokensSince } from "../db/queries/customer-usage";
import { hitRateLimit, type RateLimitState } from "../db/rate-limit";
import { ApiError, type ErrorSurface } from "./errors";

// The abuse limits and where their numbers come from. Each is a count per window per
// key, shared by every app process (lib/db/rate-limit.ts). Set a limit to 0 to turn it
// off (a load test, a trusted deployment behind its own limiter).

export type Limit = { limit: number; windowSeconds: number };

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of 0 or more (0 turns the limit off), got "${raw}"`);
  return n;
}

export type AbuseLimits = {
  /** Runs started by one customer (token or chat cookie). */
  runsPerCustomer: Limit;
  /** Runs started from one client address. */
  runsPerIp: Limit;
  /** Wrong passwords for one staff account before it is locked for the rest of the window. */
  signInFailuresPerAccount: Limit;
  /** Wrong passwords from one client address, whatever the account. */
  signInFailuresPerIp: Limit;
  /** MCP requests per service-token caller and customer. */
  mcpPerCustomer: Limit;
  /**
   * Model tokens one customer's runs may use per UTC day (0: no budget). A run that
   * starts under the budget finishes even if it ends above it; the next one waits.
   */
  tokensPerCustomerPerDay: number;
};

/** The limits in force, from the environment (README, "Abuse limits"). Throws on a malformed value. */
export function abuseLimits(env: Record<string, string | undefined> = process.env): AbuseLimits {
  return {
    runsPerCustomer: { limit: positiveInt(env, "RATE_LIMIT_RUNS_PER_CUSTOMER", 20), windowSeconds: 60 },
    runsPerIp: { limit: positiveInt(env, "RATE_LIMIT_RUNS_PER_IP", 120), windowSeconds: 60 },
    signInFailuresPerAccount: { limit: positiveInt(env, "SIGN_IN_MAX_FAILURES", 5), windowSeconds: 15 * 60 },
    signInFailuresPerIp: { limit: positiveInt(env, "SIGN_IN_MAX_FAILURES_PER_IP", 30), windowSeconds: 15 * 60 },
    mcpPerCustomer: { limit: positiveInt(env, "RATE_LIMIT_MCP_PER_CUSTOMER", 300), windowSeconds: 60 },
    tokensPerCustomerPerDay: positiveInt(env, "CUSTOMER_DAILY_TOKEN_BUDGET", 2_000_000),
  };
}

export type LimitRefusal = { ok: false; retryAfterSeconds: number; which: string };

/**
 * Counts one hit on each key (all of them, so a refused caller keeps counting against
 * every limit) and refuses when any is over. Limits of 0 are skipped.
 */
export async function hitLimits(db: Db, checks: Array<{ which: string; key: string; limit: Limit }>): Promise<{ ok: true } | LimitRefusal> {
  let worst: { which: string; state: RateLimitState } | undefined;
  for (const c of checks) {
    if (c.limit.limit === 0) continue;
    const state = await hitRateLimit(db, { key: c.key, limit: c.limit.limit, windowSeconds: c.limit.windowSeconds });
    if (!state.allowed && (!worst || state.retryAfterSeconds > worst.state.retryAfterSeconds)) worst = { which: c.which, state };
  }
  return worst ? { ok: false, retryAfterSeconds: worst.state.retryAfterSeconds, which: worst.which } : { ok: true };
}

/** The 429 for a refusal: Retry-After in seconds, and which limit it was. */
export function rateLimited(surface: ErrorSurface, refusal: LimitRefusal, what: string): ApiError {
  return new ApiError(`rate_limited:${surface}`, `${what} Try again in ${refusal.retryAfterSeconds} s.`, {
    details: { limit: refusal.which, retryAfterSeconds: refusal.retryAfterSeconds },
    headers: { "retry-after": String(refusal.retryAfterSeconds) },
  });
}

/** Which refusal the customer's daily token budget gives. */
export const DAILY_TOKEN_BUDGET = "tokens_per_customer_per_day";

/**
 * Run creation: one hit per customer and per client address, then the customer's
 * model-token budget for the UTC day (a cost attack with a hosted model is a slow
 * stream of expensive messages as much as a fast one). Retry-After of a spent budget
 * runs to the next UTC midnight.
 */
export async function hitRunLimits(
  db: Db,
  who: { customerId: string; ip: string },
  limits = abuseLimits(),
  now: Date = new Date(),
): Promise<{ ok: true } | LimitRefusal> {
  const rate = await hitLimits(db, [
    { which: "runs_per_customer", key: `runs:customer:${who.customerId}`, limit: limits.runsPerCustomer },
    { which: "runs_per_ip", key: `runs:ip:${who.ip}`, limit: limits.runsPerIp },
  ]);
  if (!rate.ok || limits.tokensPerCustomerPerDay === 0) return rate;
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const used = await customerTokensSince(db, who.customerId, dayStart);
  if (used < limits.tokensPerCustomerPerDay) return rate;
  const nextDay = dayStart.getTime() + 24 * 60 * 60 * 1000;
  return { ok: false, which: DAILY_TOKEN_BUDGET, retryAfterSeconds: Math.max(1, Math.ceil((nextDay - now.getTime()) / 1000)) };
}

// ---- Concurrent event streams ------------------------------------------------------------
// An open stream (run events, the run's UI message stream, the review queue's events)
// holds a connection, a follower and a database poll for minutes. Unlike the windows
// above, the limit is on how many are open at once, per principal (customer or staff
// member) and per client address; lib/http/stream-slots.ts counts them.

const streamLimit = (name: string, fallback: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: `${name} must be a whole number of 0 or more (0 turns the limit off)` })
      .int(`${name} must be a whole number of 0 or more (0 turns the limit off)`)
      .min(0, `${name} must be a whole number of 0 or more (0 turns the limit off)`)
      .default(fallback),
  );

const streamLimitsSchema = z.object({
  STREAM_MAX_PER_PRINCIPAL: streamLimit("STREAM_MAX_PER_PRINCIPAL", 10),
  STREAM_MAX_PER_IP: streamLimit("STREAM_MAX_PER_IP", 50),
});

export type StreamLimits = {
  /** Streams one customer (token or cookie) or one staff member may hold open at once. */
  perPrincipal: number;
  /** Streams one client address may hold open at once, whoever it is. */
  perIp: number;
};

/** The stream caps in force, from the environment (README, "Abuse limits"). Throws on a malformed value. */
export function streamLimits(env: Record<string, string | undefined> = process.env): StreamLimits {
  const parsed = streamLimitsSchema.safeParse({ STREAM_MAX_PER_PRINCIPAL: env.STREAM_MAX_PER_PRINCIPAL, STREAM_MAX_PER_IP: env.STREAM_MAX_PER_IP });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.message}, got "${env[String(issue.path[0])]}"`);
  }
  return { perPrincipal: parsed.data.STREAM_MAX_PER_PRINCIPAL, perIp: parsed.data.STREAM_MAX_PER_IP };
}
