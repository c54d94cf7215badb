import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import { log } from "../log";
import { auth } from "./auth";
import { signInUrlFor } from "./callback-url";
import { isRevoked } from "./sign-out";
import { checkAccess, staffIdentitySchema, type AccessResult, type StaffIdentity, type StaffRole } from "./roles";

// Every staff page, server action and route handler calls one of these itself: the
// proxy's redirect is a convenience, and a page's check does not cover the actions
// defined next to it.

/**
 * The signed-in staff member, or null: no session, one that does not parse, an account
 * that no longer exists, or a session the account has since signed out of (signing out
 * revokes every session issued before it; see lib/auth/sign-out.ts). Name and role are
 * the account's as stored now, not as they were at sign-in. Read once per request
 * (React's `cache`): the layout's nav and the page ask for it in the same render.
 * A session that cannot be read at all is none (fail closed): next-auth builds a URL
 * from X-Forwarded-Host / X-Forwarded-Proto, and a malformed one makes it throw.
 */
export const getStaffSession = cache(async (): Promise<StaffIdentity | null> => {
  const session = await auth().catch((err: unknown) => {
    log.warn({ err }, "staff session could not be read from this request; treated as none");
    return null;
  });
  const parsed = staffIdentitySchema.safeParse(session?.user);
  if (!parsed.success) return null;
  const signedInAt = typeof session?.user?.signedInAt === "number" ? session.user.signedInAt : 0;
  const row = await getDb().staffUser.findUnique({
    where: { id: parsed.data.id },
    select: { id: true, email: true, name: true, role: true, sessionsValidAfter: true },
  });
  if (!row || isRevoked(signedInAt, row.sessionsValidAfter)) return null;
  const stored = staffIdentitySchema.safeParse(row);
  return stored.success ? stored.data : null;
});

export type PageAccess = { ok: true; staff: StaffIdentity } | { ok: false; staff: StaffIdentity };

/**
 * For pages: redirects an anonymous visitor to sign-in (returning to `path`), and
 * tells the page to render the forbidden view when the role does not fit.
 */
export async function requireRole(roles: readonly StaffRole[], path: string): Promise<PageAccess> {
  const access = checkAccess(await getStaffSession(), roles);
  if (access.ok) return access;
  if (!access.staff) redirect(signInUrlFor(path));
  return { ok: false, staff: access.staff };
}

/** For server actions: a typed result, never a redirect. */
export async function requireRoleForAction(roles: readonly StaffRole[]) {
  const access = checkAccess(await getStaffSession(), roles);
  return access.ok ? access : ({ ok: false, error: access.error } as const);
}

/**
 * For actions that change what every run does (settings, decisions): the role as
 * stored now, so a demoted or removed account loses access at once, whatever its
 * session cookie still says. (getStaffSession reads the account row for every caller;
 * this name keeps the intent visible where it matters most.)
 */
export async function requireRoleFromDatabase(roles: readonly StaffRole[]): Promise<AccessResult> {
  return checkAccess(await getStaffSession(), roles);
}
