// Exponential backoff, one formula for every retry: jobs, webhook posts, transient
// database errors, the sign-in pause, the chat's reconnects and the trial panel's polls.

/** The pause before retry `n` (1 for the first retry): `baseMs` · 2^(n−1), at most `maxMs`. */
export function backoffMs(n: number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, n - 1));
}

/** `ms` with "equal jitter": between half and all of it, so retries that failed together do not come back together. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  return ms / 2 + random() * (ms / 2);
}

/** A promise that resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
