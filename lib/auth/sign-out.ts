import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";

// Signing out ends the account's sessions on the server, whichever way the staff member
// leaves: the console's sign-out action and Auth.js's own POST /api/auth/signout both
// reach Auth.js's signout, which calls `events.signOut` with the session's decoded
// token (lib/auth/auth.ts). A JWT cookie cannot be taken back, so clearing it is not
// enough: anyone who copied it (or a response in flight that sets it again) would keep
// a working session. Instead the account's `sessionsValidAfter` moves to now, and
// getStaffSession (lib/auth/session.ts) refuses every session signed in before it.

/** What the session token says about whose session it is and when it signed in (lib/auth/config.ts's jwt callback). */
export type SessionToken = { sub?: unknown; signedInAt?: unknown } | null | undefined;

export type SignOutOutcome = "revoked" | "already_revoked" | "no_session";

/**
 * Revokes every session of the token's account signed in until now, and records
 * `sign_out` on the audit log in the same transaction. Only a session still valid can do
 * this: a cookie already revoked (copied before an earlier sign-out) signing out again
 * must not end the sessions its owner has opened since.
 */
export async function revokeSessionsOnSignOut(db: Db, token: SessionToken, now: Date = new Date()): Promise<SignOutOutcome> {
  const staffId = typeof token?.sub === "string" && token.sub ? token.sub : null;
  // As getStaffSession reads it: a token without the time counts as signed in at 0.
  const signedInAt = typeof token?.signedInAt === "number" ? token.signedInAt : 0;
  if (!staffId) return "no_session";
  return db.$transaction(async (tx) => {
    // A compare-and-set: two sign-outs of one session at once revoke (and audit) once.
    const revoked = await tx.staffUser.updateMany({
      where: { id: staffId, OR: [{ sessionsValidAfter: null }, { sessionsValidAfter: { lt: new Date(signedInAt) } }] },
      data: { sessionsValidAfter: now },
    });
    if (revoked.count === 0) return (await tx.staffUser.count({ where: { id: staffId } })) ? "already_revoked" : "no_session";
    const staff = await tx.staffUser.findUniqueOrThrow({ where: { id: staffId }, select: { email: true } });
    await appendAudit(tx, { kind: "sign_out", actor: staff.email, subject: `staff:${staffId}`, payload: {} });
    return "revoked";
  });
}

/** Whether a session signed in at `signedInAt` (ms) was revoked by a sign-out at `sessionsValidAfter`. */
export function isRevoked(signedInAt: number, sessionsValidAfter: Date | null): boolean {
  return sessionsValidAfter !== null && signedInAt <= sessionsValidAfter.getTime();
}
