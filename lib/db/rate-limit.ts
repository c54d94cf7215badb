import type { Db, Tx } from "./client";

// Fixed-window counters in PostgreSQL, so every app process shares one count per key
// (no Redis). One statement per hit: an upsert that starts a new window when the stored
// one has ended and counts the hit otherwise; the row lock orders concurrent hits, so
// the count is exact across processes. A window starts at its key's first hit (not on
// a clock boundary, where 2 × limit could pass in a moment) and is timed by the
// database's clock, which every process shares.

export type RateLimitState = {
  /** Hits in the current window, this one included (for a peek: without one). */
  hits: number;
  limit: number;
  /** Whether this hit is within the limit (for a peek: whether one more would be). */
  allowed: boolean;
  /** Whole seconds until the window ends (at least 1): the Retry-After a refusal carries. */
  retryAfterSeconds: number;
};

type Row = { hits: number; retry_after_ms: number };

// Whole seconds, at least 1 and at most the window: statement_timestamp() is per
// statement, so a concurrent statement that started earlier but opened the window
// later would otherwise read one second more than the window.
const retryAfter = (ms: number, windowSeconds: number) => Math.min(windowSeconds, Math.max(1, Math.ceil(ms / 1000)));

function state(row: Row | undefined, limit: number, windowSeconds: number, extra: number): RateLimitState {
  const hits = row?.hits ?? 0;
  return { hits, limit, allowed: hits + extra <= limit, retryAfterSeconds: retryAfter(row?.retry_after_ms ?? 0, windowSeconds) };
}

/** Counts one hit against `key` in the current window of `windowSeconds`; allowed is false past `limit`. */
export async function hitRateLimit(db: Db | Tx, { key, limit, windowSeconds }: { key: string; limit: number; windowSeconds: number }): Promise<RateLimitState> {
  const rows = await db.$queryRaw<Row[]>`
    INSERT INTO rate_limits (key, "windowStart", hits) VALUES (${key}, statement_timestamp(), 1)
    ON CONFLICT (key) DO UPDATE
      SET hits = CASE WHEN rate_limits."windowStart" + make_interval(secs => ${windowSeconds}::int) > statement_timestamp() THEN rate_limits.hits + 1 ELSE 1 END,
          "windowStart" = CASE WHEN rate_limits."windowStart" + make_interval(secs => ${windowSeconds}::int) > statement_timestamp() THEN rate_limits."windowStart" ELSE EXCLUDED."windowStart" END
    RETURNING hits,
      (extract(epoch FROM ("windowStart" + make_interval(secs => ${windowSeconds}::int) - statement_timestamp())) * 1000)::float8 AS retry_after_ms`;
  return state(rows[0], limit, windowSeconds, 0);
}

/**
 * Counts one hit on each of `keys` (same window length) in one statement, so no other
 * hit on any of them can fall between the counts: the statement is the whole check-and-
 * count, and a caller decides from the returned counts alone. Rows are locked in the
 * order given; callers that share keys give them in the same order (no deadlock).
 */
export async function hitRateLimits(db: Db | Tx, { keys, windowSeconds }: { keys: readonly string[]; windowSeconds: number }): Promise<Map<string, { hits: number; retryAfterSeconds: number }>> {
  const rows = await db.$queryRaw<Array<Row & { key: string }>>`
    INSERT INTO rate_limits (key, "windowStart", hits)
    SELECT k, statement_timestamp(), 1 FROM unnest(${[...keys]}::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
    ON CONFLICT (key) DO UPDATE
      SET hits = CASE WHEN rate_limits."windowStart" + make_interval(secs => ${windowSeconds}::int) > statement_timestamp() THEN rate_limits.hits + 1 ELSE 1 END,
          "windowStart" = CASE WHEN rate_limits."windowStart" + make_interval(secs => ${windowSeconds}::int) > statement_timestamp() THEN rate_limits."windowStart" ELSE EXCLUDED."windowStart" END
    RETURNING key, hits,
      (extract(epoch FROM ("windowStart" + make_interval(secs => ${windowSeconds}::int) - statement_timestamp())) * 1000)::float8 AS retry_after_ms`;
  return new Map(rows.map((r) => [r.key, { hits: r.hits, retryAfterSeconds: retryAfter(r.retry_after_ms, windowSeconds) }]));
}

/** Takes one hit back from `key`'s current count (an attempt that turned out to be legitimate). */
export async function releaseRateLimitHit(db: Db | Tx, key: string): Promise<void> {
  await db.$executeRaw`UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = ${key}`;
}

/** The current window's count for `key` without counting a hit; allowed says whether one more would pass. */
export async function peekRateLimit(db: Db | Tx, { key, limit, windowSeconds }: { key: string; limit: number; windowSeconds: number }): Promise<RateLimitState> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT hits, (extract(epoch FROM ("windowStart" + make_interval(secs => ${windowSeconds}::int) - statement_timestamp())) * 1000)::float8 AS retry_after_ms
    FROM rate_limits
    WHERE key = ${key} AND "windowStart" + make_interval(secs => ${windowSeconds}::int) > statement_timestamp()`;
  return state(rows[0], limit, windowSeconds, 1);
}

/** Forgets `key`'s count (a staff member who signed in correctly starts again from zero). */
export async function clearRateLimit(db: Db | Tx, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limits WHERE key = ${key}`;
}

/** Drops counters whose window ended more than a day ago (a key per IP would otherwise stay forever). */
export async function pruneRateLimits(db: Db | Tx): Promise<number> {
  return db.$executeRaw`DELETE FROM rate_limits WHERE "windowStart" < statement_timestamp() - interval '1 day'`;
}
