import { beforeEach, describe, expect, it } from "vitest";
import { abuseLimits } from "../http/rate-limits";
import { clearSignInFailures, failureDelayMs, recordSignInFailure, signInLock } from "./sign-in-throttle";
import { useTestDb } from "@/test/db";

const db = useTestDb();
const limits = abuseLimits({ SIGN_IN_MAX_FAILURES: "3", SIGN_IN_MAX_FAILURES_PER_IP: "5" });
const waits: number[] = [];
const opts = { limits, wait: async (ms: number) => void waits.push(ms) };

beforeEach(async () => {
  waits.length = 0;
  await db.$executeRaw`DELETE FROM rate_limits`;
});

describe("staff sign-in throttle", () => {
  it("locks an account after its limit of wrong passwords, with a Retry-After inside the window, and slows each failure down", async () => {
    const who = { email: "reviewer@switchboard.local", ip: "203.0.113.5" };
    for (let i = 1; i <= 2; i++) {
      await recordSignInFailure(db, who, opts);
      expect(await signInLock(db, who, limits)).toEqual({ locked: false });
    }
    await recordSignInFailure(db, who, opts);
    const lock = await signInLock(db, who, limits);
    expect(lock).toMatchObject({ locked: true, scope: "account" });
    expect(lock.locked && lock.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(waits).toEqual([0, 200, 400]);
    // Another address does not unlock the account; the account's email in another case neither.
    expect(await signInLock(db, { email: "Reviewer@Switchboard.local", ip: "198.51.100.7" }, limits)).toMatchObject({ locked: true, scope: "account" });
    // Another account is not locked by it.
    expect(await signInLock(db, { email: "admin@switchboard.local", ip: "198.51.100.7" }, limits)).toEqual({ locked: false });
  });

  it("locks an address that tries many accounts, and a correct password clears only the account's count", async () => {
    const ip = "203.0.113.6";
    for (const n of [1, 2, 3, 4, 5]) await recordSignInFailure(db, { email: `guess${n}@switchboard.local`, ip }, opts);
    expect(await signInLock(db, { email: "admin@switchboard.local", ip }, limits)).toMatchObject({ locked: true, scope: "ip" });
    expect(await signInLock(db, { email: "admin@switchboard.local", ip: "203.0.113.7" }, limits)).toEqual({ locked: false });

    await recordSignInFailure(db, { email: "auditor@switchboard.local", ip: "203.0.113.8" }, opts);
    await recordSignInFailure(db, { email: "auditor@switchboard.local", ip: "203.0.113.8" }, opts);
    await clearSignInFailures(db, "auditor@switchboard.local");
    await recordSignInFailure(db, { email: "auditor@switchboard.local", ip: "203.0.113.8" }, opts);
    expect(await signInLock(db, { email: "auditor@switchboard.local", ip: "203.0.113.9" }, limits)).toEqual({ locked: false });
  });

  it("waits nothing for a first mistake, then 0.2 s doubling up to 2 s", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(failureDelayMs)).toEqual([0, 200, 400, 800, 1600, 2000, 2000]);
  });
});
