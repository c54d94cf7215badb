import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/client";
import { clearRateLimit, hitRateLimit, peekRateLimit } from "../db/rate-limit";
import { abuseLimits, type AbuseLimits } from "../http/rate-limits";

// Wrong staff passwords are counted per account and per client address, in PostgreSQL
// so every app process shares the count. Past the limit the account (or the address)
// is locked for the rest of the window: every attempt is refused, the right password
// too, since otherwise the lock would only slow a guesser down. Each further failure
// before that takes longer to answer (progressive delay). A correct sign-in clears the
// account's count. The limits are in lib/http/rate-limits.ts (SIGN_IN_MAX_FAILURES…).

export type SignInLock = { locked: false } | { locked: true; retryAfterSeconds: number; scope: "account" | "ip" };

const accountKey = (email: string) => `sign-in:account:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `sign-in:ip:${ip}`;

/** Whether sign-in is locked for this email or this address, and for how long. */
export async function signInLock(db: Db, who: { email: string; ip: string }, limits: AbuseLimits = abuseLimits()): Promise<SignInLock> {
  const checks = [
    { scope: "account" as const, key: accountKey(who.email), limit: limits.signInFailuresPerAccount },
    { scope: "ip" as const, key: ipKey(who.ip), limit: limits.signInFailuresPerIp },
  ];
  for (const c of checks) {
    if (c.limit.limit === 0) continue;
    const state = await peekRateLimit(db, { key: c.key, limit: c.limit.limit, windowSeconds: c.limit.windowSeconds });
    if (!state.allowed) return { locked: true, retryAfterSeconds: state.retryAfterSeconds, scope: c.scope };
  }
  return { locked: false };
}

/** The pause before answering the n-th wrong password in a window: none for the first, then 0.2 s doubling up to 2 s. */
export function failureDelayMs(failures: number): number {
  return failures <= 1 ? 0 : Math.min(2000, 200 * 2 ** (failures - 2));
}

/** Counts a wrong password against the account and the address, then waits the progressive delay. */
export async function recordSignInFailure(
  db: Db,
  who: { email: string; ip: string },
  opts: { limits?: AbuseLimits; wait?: (ms: number) => Promise<unknown> } = {},
): Promise<{ failures: number }> {
  const limits = opts.limits ?? abuseLimits();
  const account = await hitRateLimit(db, { key: accountKey(who.email), limit: limits.signInFailuresPerAccount.limit, windowSeconds: limits.signInFailuresPerAccount.windowSeconds });
  await hitRateLimit(db, { key: ipKey(who.ip), limit: limits.signInFailuresPerIp.limit, windowSeconds: limits.signInFailuresPerIp.windowSeconds });
  await (opts.wait ?? sleep)(failureDelayMs(account.hits));
  return { failures: account.hits };
}

/** A correct password: the account starts from zero again (the address keeps its count). */
export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await clearRateLimit(db, accountKey(email));
}
