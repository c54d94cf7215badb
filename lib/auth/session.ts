import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import { auth } from "./auth";
import { signInUrlFor } from "./callback-url";
import { checkAccess, staffIdentitySchema, type AccessResult, type StaffIdentity, type StaffRole } from "./roles";

// Every staff page, server action and route handler calls one of these itself: the
// proxy's redirect is a convenience, and a page's check does not cover the actions
// defined next to it.

/** The signed-in staff member, or null (no session, or one that does not parse). */
export async function getStaffSession(): Promise<StaffIdentity | null> {
  const session = await auth();
  const parsed = staffIdentitySchema.safeParse(session?.user);
  return parsed.success ? parsed.data : null;
}

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
 * For actions that change what every run does (settings): the role is read from
 * staff_users now, not trusted from the session, so a demoted or removed account
 * loses access at once, whatever its session cookie still says.
 */
export async function requireRoleFromDatabase(roles: readonly StaffRole[]): Promise<AccessResult> {
  const session = checkAccess(await getStaffSession(), roles);
  if (!session.ok) return session;
  const row = await getDb().staffUser.findUnique({ where: { id: session.staff.id }, select: { id: true, email: true, name: true, role: true } });
  const stored = staffIdentitySchema.safeParse(row);
  if (!stored.success) return { ok: false, error: "unauthorized", staff: null };
  return checkAccess(stored.data, roles);
}
