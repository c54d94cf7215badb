import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { appendAudit } from "../db/audit";
import { getDb } from "../db/client";
import { log } from "../log";
import { authConfig } from "./config";
import { signInSchema, verifyStaffCredentials } from "./credentials";

/** The app's next-auth instance: staff sign in with email and password from StaffUser. */
export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  // Here rather than in the shared config, which the proxy bundle imports and which
  // stays light (no logger); the proxy only reads sessions and keeps next-auth's own.
  logger: {
    error(error) {
      // A wrong password is an expected outcome, answered on the form; not a server error.
      const type = "type" in error ? String(error.type) : error.name;
      if (type === "CredentialsSignin") return;
      const cause = (error.cause as { err?: unknown } | undefined)?.err;
      log.error({ err: cause instanceof Error ? cause : undefined }, `[auth][error] ${type}: ${error.message}`);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const db = getDb();
        const result = await verifyStaffCredentials({ db }, credentials);
        if (!result.ok) {
          // A refused attempt is a staff action too; the address is kept only when it is one.
          const email = signInSchema.shape.email.safeParse((credentials as { email?: unknown } | undefined)?.email);
          await appendAudit(db, { kind: "sign_in_refused", actor: email.success ? email.data : "unknown", payload: { reason: result.error } });
          return null;
        }
        const { id, email, name, role } = result.staff;
        await appendAudit(db, { kind: "sign_in", actor: email, subject: `staff:${id}`, payload: { role } });
        return { id, email, name, role };
      },
    }),
  ],
});
