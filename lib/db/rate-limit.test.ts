import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "./client";
import { clearRateLimit, hitRateLimit, hitRateLimits, peekRateLimit, pruneRateLimits, releaseRateLimitHit } from "./rate-limit";
import { inject, useTestDb } from "@/test/db";

const db = useTestDb();
const limit = { key: "test:k", limit: 20, windowSeconds: 60 };

beforeEach(async () => {
  await db.$executeRaw`DELETE FROM rate_limits`;
});

describe("PostgreSQL fixed-window rate limits", () => {
  it("allows `limit` hits in a window, refuses the next with the seconds left, and starts over when the window ends", async () => {
    for (let i = 1; i <= 20; i++) expect(await hitRateLimit(db, limit)).toMatchObject({ hits: i, allowed: true });
    const refused = await hitRateLimit(db, limit);
    expect(refused).toMatchObject({ hits: 21, allowed: false });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await peekRateLimit(db, limit)).toMatchObject({ hits: 21, allowed: false });

    // The window began two minutes ago: it is over, and the next hit opens a new one.
    await db.$executeRaw`UPDATE rate_limits SET "windowStart" = now() - interval '2 minutes' WHERE key = ${limit.key}`;
    expect(await peekRateLimit(db, limit)).toMatchObject({ hits: 0, allowed: true });
    expect(await hitRateLimit(db, limit)).toMatchObject({ hits: 1, allowed: true });
  });

  it("counts exactly across processes: 60 concurrent hits from three clients let exactly 20 through", async () => {
    const clients = [createDb(inject("databaseUrl"), 5), createDb(inject("databaseUrl"), 5), createDb(inject("databaseUrl"), 5)];
    afterAll(() => Promise.all(clients.map((c) => c.$disconnect())));
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => hitRateLimit(clients[i % 3], limit)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it("keeps keys apart, forgets a cleared key and prunes counters a day old", async () => {
    for (let i = 0; i < 21; i++) await hitRateLimit(db, limit);
    expect((await hitRateLimit(db, { ...limit, key: "test:other" })).allowed).toBe(true);
    await clearRateLimit(db, limit.key);
    expect(await hitRateLimit(db, limit)).toMatchObject({ hits: 1, allowed: true });
    await db.$executeRaw`UPDATE rate_limits SET "windowStart" = now() - interval '2 days' WHERE key = 'test:other'`;
    expect(await pruneRateLimits(db)).toBe(1);
    expect(await db.rateLimit.findMany({ select: { key: true } })).toEqual([{ key: limit.key }]);
  });

  it("counts several keys in one statement, exactly under concurrency, and takes one hit back on request", async () => {
    const keys = ["test:account", "test:ip"];
    const results = await Promise.all(Array.from({ length: 30 }, () => hitRateLimits(db, { keys, windowSeconds: 60 })));
    for (const key of keys) expect(results.map((r) => r.get(key)!.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results[0].get("test:ip")!.retryAfterSeconds).toBeLessThanOrEqual(60);
    await releaseRateLimitHit(db, "test:ip");
    expect(await peekRateLimit(db, { key: "test:ip", limit: 100, windowSeconds: 60 })).toMatchObject({ hits: 29 });
    expect(await peekRateLimit(db, { key: "test:account", limit: 100, windowSeconds: 60 })).toMatchObject({ hits: 30 });
  });

  it("never tells a client to wait longer than the window, even when a concurrent statement opened it a moment later", async () => {
    // statement_timestamp() is per statement: an earlier-started hit can find a window
    // that a later-started one opened. Simulated here by a window that begins 2 s ahead.
    await hitRateLimit(db, limit);
    await db.$executeRaw`UPDATE rate_limits SET "windowStart" = statement_timestamp() + interval '2 seconds' WHERE key = ${limit.key}`;
    expect((await hitRateLimit(db, limit)).retryAfterSeconds).toBe(60);
    expect((await hitRateLimits(db, { keys: [limit.key], windowSeconds: 60 })).get(limit.key)!.retryAfterSeconds).toBe(60);
    expect((await peekRateLimit(db, limit)).retryAfterSeconds).toBe(60);
  });
});
