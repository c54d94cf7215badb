import bcrypt from "bcryptjs";
import { z } from "zod";
import type { Db } from "../db/client";
import { staffIdentitySchema, type StaffIdentity } from "./roles";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

export type CredentialsResult =
  | { ok: true; staff: StaffIdentity }
  | { ok: false; error: "invalid_input" | "invalid_credentials" };

// Compared against when the email is unknown, so an unknown address costs the same
// bcrypt work as a wrong password and response time does not reveal which accounts exist.
const DUMMY_HASH = bcrypt.hashSync("switchboard-no-such-user", 10);

/** Compares a password with a stored bcrypt hash (injectable so tests can count the checks). */
export type PasswordChecker = (password: string, hash: string) => Promise<boolean>;
const bcryptChecker: PasswordChecker = (password, hash) => bcrypt.compare(password, hash);

/** Checks an email and password against the StaffUser table. Never throws on bad input. */
export async function verifyStaffCredentials(deps: { db: Db; checkPassword?: PasswordChecker }, input: unknown): Promise<CredentialsResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const { email, password } = parsed.data;
  const user = await deps.db.staffUser.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true },
  });
  const matches = await (deps.checkPassword ?? bcryptChecker)(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches) return { ok: false, error: "invalid_credentials" };
  // A row with a role the app does not know gets no session rather than a guessed one.
  const staff = staffIdentitySchema.safeParse({ id: user.id, email: user.email, name: user.name, role: user.role });
  if (!staff.success) return { ok: false, error: "invalid_credentials" };
  return { ok: true, staff: staff.data };
}
