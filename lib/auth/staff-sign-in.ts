import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";
import type { AbuseLimits } from "../http/rate-limits";
import { signInSchema, verifyStaffCredentials, type PasswordChecker } from "./credentials";
import { refusesDemoPassword } from "./demo-mode";
import type { StaffIdentity } from "./roles";
import { beginSignInAttempt, clearSignInFailures, delayAfterFailure } from "./sign-in-throttle";

// One staff password attempt, whichever way it arrives (the sign-in page's action or a
// form posted straight to Auth.js's credentials callback both end in `authorize`, which
// calls this). The order is the point: count the attempt, and only then, if it is
// within the limits, check the password.

export type StaffSignInResult =
  | { ok: true; staff: StaffIdentity }
  | { ok: false; error: "invalid_input" | "invalid_credentials" | "demo_password" }
  | { ok: false; error: "locked"; retryAfterSeconds: number; scope: "account" | "ip" };

export type StaffSignInDeps = {
  db: Db;
  /** The bcrypt comparison (tests count the passwords actually checked). */
  checkPassword?: PasswordChecker;
  limits?: AbuseLimits;
  /** The progressive delay's timer. */
  wait?: (ms: number) => Promise<unknown>;
  env?: Record<string, string | undefined>;
};

/** Checks one staff sign-in attempt from client address `ip`, under the sign-in limits, and records it on the audit log. */
export async function attemptStaffSignIn(deps: StaffSignInDeps, credentials: unknown, ip: string): Promise<StaffSignInResult> {
  const { db } = deps;
  const parsed = signInSchema.safeParse(credentials);
  if (!parsed.success) {
    // Nothing to count against and no password checked: refused as bad input.
    const email = signInSchema.shape.email.safeParse((credentials as { email?: unknown } | undefined)?.email);
    await appendAudit(db, { kind: "sign_in_refused", actor: email.success ? email.data : "unknown", payload: { reason: "invalid_input" } });
    return { ok: false, error: "invalid_input" };
  }
  const who = { email: parsed.data.email, ip };
  const attempt = await beginSignInAttempt(db, who, deps.limits);
  if (!attempt.allowed) {
    await appendAudit(db, { kind: "sign_in_refused", actor: who.email, payload: { reason: "locked", scope: attempt.scope } });
    return { ok: false, error: "locked", retryAfterSeconds: attempt.retryAfterSeconds, scope: attempt.scope };
  }
  const result = await verifyStaffCredentials({ db, checkPassword: deps.checkPassword }, parsed.data);
  if (!result.ok) {
    await appendAudit(db, { kind: "sign_in_refused", actor: who.email, payload: { reason: result.error } });
    await delayAfterFailure(attempt.accountAttempts, deps.wait);
    return { ok: false, error: result.error };
  }
  await clearSignInFailures(db, who);
  if (refusesDemoPassword(parsed.data.password, deps.env)) {
    await appendAudit(db, { kind: "sign_in_refused", actor: result.staff.email, payload: { reason: "demo_password" } });
    return { ok: false, error: "demo_password" };
  }
  await appendAudit(db, { kind: "sign_in", actor: result.staff.email, subject: `staff:${result.staff.id}`, payload: { role: result.staff.role } });
  return { ok: true, staff: result.staff };
}
