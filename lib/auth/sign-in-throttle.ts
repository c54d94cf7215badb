import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/client";
import { clearRateLimit, hitRateLimits, peekRateLimit, releaseRateLimitHit } from "../db/rate-limit";
import { abuseLimits, type AbuseLimits } from "../http/rate-limits";
import { backoffMs } from "../backoff";

// Password attempts are counted per account and per client address, in PostgreSQL so
// every app process shares the count. The count is taken BEFORE the password is checked,
// in one statement for both keys (`beginSignInAttempt`): an attempt whose count is past
// the limit is refused without checking its password. So at most N passwords are checked
// per account per window however the attempts are timed: with check-then-count, a burst
// sent at once all read "not locked" and all got checked, the right password among them.
// Past the limit the account (or the address) is locked for the rest of the window,
// every attempt refused, the right password too, since otherwise the lock would only
// slow a guesser down. Each wrong password takes longer to answer (progressive delay).
// A correct sign-in clears the account's count and takes its own hit back from the
// address's, so the address counts wrong passwords (and attempts still being checked).
// The limits are in lib/http/rate-limits.ts (SIGN_IN_MAX_FAILURES…).

export type SignInLock = { locked: false } | { locked: true; retryAfterSeconds: number; scope: "account" | "ip" };

type Who = { email: string; ip: string };

const accountKey = (email: string) => `sign-in:account:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `sign-in:ip:${ip}`;

function checksFor(who: Who, limits: AbuseLimits) {
  return [
    { scope: "account" as const, key: accountKey(who.email), limit: limits.signInFailuresPerAccount },
    { scope: "ip" as const, key: ipKey(who.ip), limit: limits.signInFailuresPerIp },
  ].filter((c) => c.limit.limit > 0);
}

/**
 * Whether sign-in is locked for this email or this address, and for how long, without
 * counting anything: the sign-in page's early answer. The gate itself is `beginSignInAttempt`.
 */
export async function signInLock(db: Db, who: Who, limits: AbuseLimits = abuseLimits()): Promise<SignInLock> {
  for (const c of checksFor(who, limits)) {
    const state = await peekRateLimit(db, { key: c.key, limit: c.limit.limit, windowSeconds: c.limit.windowSeconds });
    if (!state.allowed) return { locked: true, retryAfterSeconds: state.retryAfterSeconds, scope: c.scope };
  }
  return { locked: false };
}

export type SignInAttempt = { allowed: true; accountAttempts: number } | { allowed: false; retryAfterSeconds: number; scope: "account" | "ip" };

/**
 * Counts one password attempt against the account and the address (one statement) and
 * says whether its password may be checked: only while both counts are within their
 * limits. Attempts refused here keep counting, which never extends the window.
 */
export async function beginSignInAttempt(db: Db, who: Who, limits: AbuseLimits = abuseLimits()): Promise<SignInAttempt> {
  const checks = checksFor(who, limits);
  if (checks.length === 0) return { allowed: true, accountAttempts: 0 };
  // Both limits share one window length (15 minutes); a different one would need its own statement.
  const windowSeconds = checks[0].limit.windowSeconds;
  if (checks.some((c) => c.limit.windowSeconds !== windowSeconds)) throw new Error("sign-in limits must share one window length");
  const counts = await hitRateLimits(db, { keys: checks.map((c) => c.key), windowSeconds });
  for (const c of checks) {
    const count = counts.get(c.key);
    if (count && count.hits > c.limit.limit) return { allowed: false, retryAfterSeconds: count.retryAfterSeconds, scope: c.scope };
  }
  return { allowed: true, accountAttempts: counts.get(accountKey(who.email))?.hits ?? 0 };
}

/** The pause before answering the n-th wrong password in a window: none for the first, then 0.2 s doubling up to 2 s. */
export function failureDelayMs(failures: number): number {
  return failures <= 1 ? 0 : backoffMs(failures - 1, { baseMs: 200, maxMs: 2_000 });
}

/** A wrong password (already counted by `beginSignInAttempt`): waits the progressive delay. */
export async function delayAfterFailure(accountAttempts: number, wait: (ms: number) => Promise<unknown> = sleep): Promise<void> {
  await wait(failureDelayMs(accountAttempts));
}

/**
 * A correct password: the account starts from zero again, and the address gets this
 * attempt's hit back (it keeps the count of its wrong ones).
 */
export async function clearSignInFailures(db: Db, who: Who): Promise<void> {
  await clearRateLimit(db, accountKey(who.email));
  await releaseRateLimitHit(db, ipKey(who.ip));
}
