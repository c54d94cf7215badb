import { z } from "zod";
import type { StaffRole as SeededRole } from "../db/seed";

// Declared here rather than imported from the seed so that the proxy bundle does
// not pull in the seed's bcrypt and fixture code; `satisfies` keeps the two in step.
export const STAFF_ROLES = ["reviewer", "auditor", "admin"] as const satisfies readonly SeededRole[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ROLE_LABELS: Record<StaffRole, string> = { reviewer: "Reviewer", auditor: "Auditor", admin: "Admin" };

/** What the session carries about a signed-in staff member (validated, never trusted raw). */
export const staffIdentitySchema = z.object({
  id: z.string().min(1),
  email: z.string().email(),
  name: z.string(),
  role: z.enum(STAFF_ROLES),
});
export type StaffIdentity = z.infer<typeof staffIdentitySchema>;

/** Which roles may use each staff area: the one table pages, actions, routes and the nav read. */
export const AREA_ROLES = {
  reviews: ["reviewer", "admin"],
  audit: ["auditor", "admin"],
  usage: ["admin"],
  settings: ["admin"],
} as const satisfies Record<string, readonly StaffRole[]>;
export type StaffArea = keyof typeof AREA_ROLES;

const STAFF_AREAS: readonly { area: StaffArea; href: string; label: string }[] = [
  { area: "reviews", href: "/reviews", label: "Review queue" },
  { area: "audit", href: "/audit", label: "Audit trail" },
  { area: "usage", href: "/usage", label: "Usage" },
  { area: "settings", href: "/settings", label: "Settings" },
];

export type AccessResult =
  | { ok: true; staff: StaffIdentity }
  | { ok: false; error: "unauthorized" | "forbidden"; staff: StaffIdentity | null };

/** Decides access for a (possibly absent) staff member: no session is unauthorized, a wrong role forbidden. */
export function checkAccess(staff: StaffIdentity | null, roles: readonly StaffRole[]): AccessResult {
  if (!staff) return { ok: false, error: "unauthorized", staff: null };
  if (!roles.includes(staff.role)) return { ok: false, error: "forbidden", staff };
  return { ok: true, staff };
}

/** The staff areas a role may open, in nav order. */
export function areasFor(role: StaffRole) {
  return STAFF_AREAS.filter((a) => (AREA_ROLES[a.area] as readonly StaffRole[]).includes(role));
}
