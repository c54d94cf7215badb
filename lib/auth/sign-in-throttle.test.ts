import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { abuseLimits } from "../http/rate-limits";
import type { PasswordChecker } from "./credentials";
import { failureDelayMs, signInLock } from "./sign-in-throttle";
import { attemptStaffSignIn, type StaffSignInDeps } from "./staff-sign-in";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

const db = useTestDb();
const limits = abuseLimits({ SIGN_IN_MAX_FAILURES: "3", SIGN_IN_MAX_FAILURES_PER_IP: "5" });
const waits: number[] = [];
const RIGHT = "the-right-password";
const REVIEWER = "reviewer@switchboard.local";

/** A password checker that counts the passwords it is asked to check; RIGHT is right for every account. */
function countingChecker(gate?: Promise<unknown>) {
  const checked: string[] = [];
  const check: PasswordChecker = async (password) => {
    checked.push(password);
    await gate;
    return password === RIGHT;
  };
  return { checked, check };
}

function deps(check: PasswordChecker, over: Partial<StaffSignInDeps> = {}): StaffSignInDeps {
  return { db, checkPassword: check, limits, wait: async (ms: number) => void waits.push(ms), env: { SWITCHBOARD_DEMO: "1" }, ...over };
}

beforeAll(() => resetTestWorld(db));
beforeEach(async () => {
  waits.length = 0;
  await db.$executeRaw`DELETE FROM rate_limits`;
});

describe("staff sign-in throttle", () => {
  it("locks an account after its limit of wrong passwords, with a Retry-After inside the window, and slows each failure down", async () => {
    const { checked, check } = countingChecker();
    const ip = "203.0.113.5";
    for (let i = 1; i <= 3; i++) expect(await attemptStaffSignIn(deps(check), { email: REVIEWER, password: `wrong-${i}` }, ip)).toEqual({ ok: false, error: "invalid_credentials" });
    const lock = await signInLock(db, { email: REVIEWER, ip }, limits);
    expect(lock).toMatchObject({ locked: true, scope: "account" });
    expect(lock.locked && lock.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(waits).toEqual([0, 200, 400]);
    // Locked: the right password is refused unchecked, from another address and in another case too.
    expect(await attemptStaffSignIn(deps(check), { email: "Reviewer@Switchboard.local", password: RIGHT }, "198.51.100.7")).toMatchObject({ ok: false, error: "locked", scope: "account" });
    expect(checked).toEqual(["wrong-1", "wrong-2", "wrong-3"]);
    // Another account is not locked by it.
    expect(await attemptStaffSignIn(deps(check), { email: "admin@switchboard.local", password: RIGHT }, "198.51.100.7")).toMatchObject({ ok: true, staff: { role: "admin" } });
  });

  it("locks an address that tries many accounts, and a correct password clears only the account's count", async () => {
    const { check } = countingChecker();
    const ip = "203.0.113.6";
    for (const n of [1, 2, 3, 4, 5]) await attemptStaffSignIn(deps(check), { email: `guess${n}@switchboard.local`, password: "x" }, ip);
    expect(await signInLock(db, { email: "admin@switchboard.local", ip }, limits)).toMatchObject({ locked: true, scope: "ip" });
    expect(await attemptStaffSignIn(deps(check), { email: "admin@switchboard.local", password: RIGHT }, ip)).toMatchObject({ ok: false, error: "locked", scope: "ip" });
    expect(await signInLock(db, { email: "admin@switchboard.local", ip: "203.0.113.7" }, limits)).toEqual({ locked: false });

    const other = "203.0.113.8";
    for (let i = 0; i < 2; i++) await attemptStaffSignIn(deps(check), { email: "auditor@switchboard.local", password: "wrong" }, other);
    expect(await attemptStaffSignIn(deps(check), { email: "auditor@switchboard.local", password: RIGHT }, other)).toMatchObject({ ok: true });
    await attemptStaffSignIn(deps(check), { email: "auditor@switchboard.local", password: "wrong" }, other);
    expect(await signInLock(db, { email: "auditor@switchboard.local", ip: "203.0.113.9" }, limits)).toEqual({ locked: false });
    // The address kept its two wrong passwords and the one after, not the right one.
    expect(await db.rateLimit.findUnique({ where: { key: `sign-in:ip:${other}` }, select: { hits: true } })).toEqual({ hits: 3 });
  });

  it("refuses bad input without counting it or checking a password", async () => {
    const { checked, check } = countingChecker();
    for (const bad of [{ email: "not-an-email", password: "x" }, { email: REVIEWER, password: "" }, { email: REVIEWER, password: "p".repeat(201) }, null]) {
      expect(await attemptStaffSignIn(deps(check), bad, "203.0.113.10")).toEqual({ ok: false, error: "invalid_input" });
    }
    expect(checked).toEqual([]);
    expect(await db.rateLimit.count()).toBe(0);
  });

  it("checks exactly N passwords of 30 attempts sent at once against a real database, from three app processes", async () => {
    const clients = [createDb(inject("databaseUrl"), 5), createDb(inject("databaseUrl"), 5), createDb(inject("databaseUrl"), 5)];
    afterAll(() => Promise.all(clients.map((c) => c.$disconnect())));
    const perAccount = abuseLimits({ SIGN_IN_MAX_FAILURES: "5", SIGN_IN_MAX_FAILURES_PER_IP: "30" });
    const { checked, check } = countingChecker();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attemptStaffSignIn({ ...deps(check), db: clients[i % 3], limits: perAccount }, { email: REVIEWER, password: `guess-${i}` }, "203.0.113.20")),
    );
    expect(checked).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.error === "invalid_credentials")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.error === "locked")).toHaveLength(25);
    // And the right password after the burst is refused too, unchecked.
    expect(await attemptStaffSignIn({ ...deps(check), limits: perAccount }, { email: REVIEWER, password: RIGHT }, "198.51.100.20")).toMatchObject({ ok: false, error: "locked" });
    expect(checked).toHaveLength(5);
  });

  it("refuses the right password sent in a burst past the limit, while the burst's checks are still running", async () => {
    const perAccount = abuseLimits({ SIGN_IN_MAX_FAILURES: "5", SIGN_IN_MAX_FAILURES_PER_IP: "30" });
    let open!: () => void;
    // Every password check waits here until the right password has had its turn: the
    // burst is still in flight when it arrives, as with requests sent at once.
    const { checked, check } = countingChecker(new Promise<void>((resolve) => (open = resolve)));
    const burst = Array.from({ length: 29 }, (_, i) => attemptStaffSignIn({ ...deps(check), limits: perAccount }, { email: REVIEWER, password: `guess-${i}` }, "203.0.113.21"));
    // The 24 refused ones answer without waiting for a check.
    const settled: unknown[] = [];
    burst.forEach((p) => void p.then((r) => settled.push(r)));
    for (let i = 0; i < 200 && settled.length < 24; i++) await new Promise((r) => setTimeout(r, 10));
    expect(settled).toHaveLength(24);
    expect(checked).toHaveLength(5);

    const right = await attemptStaffSignIn({ ...deps(check), limits: perAccount }, { email: REVIEWER, password: RIGHT }, "203.0.113.21");
    expect(right).toMatchObject({ ok: false, error: "locked", scope: "account" });
    open();
    const results = await Promise.all(burst);
    expect(checked).toHaveLength(5);
    expect(checked).not.toContain(RIGHT);
    expect(results.filter((r) => r.ok)).toHaveLength(0);
  });

  it("waits nothing for a first mistake, then 0.2 s doubling up to 2 s", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(failureDelayMs)).toEqual([0, 200, 400, 800, 1600, 2000, 2000]);
  });
});
