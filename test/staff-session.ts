import { encode } from "next-auth/jwt";
import type { Db } from "../lib/db/client";

// Test-only: the session cookie next-auth would set for a staff account that signed in
// just now, signed with `secret` (the AUTH_SECRET the test gives the app).

export async function staffSessionCookie(db: Db, email: string, secret: string): Promise<string> {
  const u = await db.staffUser.findUniqueOrThrow({ where: { email } });
  const jwt = await encode({ token: { sub: u.id, name: u.name, email: u.email, role: u.role, signedInAt: Date.now() }, secret, salt: "authjs.session-token" });
  return `authjs.session-token=${jwt}`;
}
