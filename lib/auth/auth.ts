import "server-only";
import NextAuth from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { appendAudit } from "../db/audit";
import { getDb } from "../db/client";
import { clientIp } from "../http/rate-limits";
import { log } from "../log";
import { authConfig } from "./config";
import { signInSchema, verifyStaffCredentials } from "./credentials";
import { refusesDemoPassword } from "./demo-mode";
import { clearSignInFailures, recordSignInFailure, signInLock } from "./sign-in-throttle";

/** A sign-in refused because the account or the address is locked after too many wrong passwords. */
export class SignInLocked extends CredentialsSignin {
  code = "locked";
}

/** A correct demo password outside demo mode: refused, since everyone knows it. */
export class DemoPasswordRefused extends CredentialsSignin {
  code = "demo_password";
}

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
      async authorize(credentials, request) {
        const db = getDb();
        const rawEmail = signInSchema.shape.email.safeParse((credentials as { email?: unknown } | undefined)?.email);
        const who = { email: rawEmail.success ? rawEmail.data : "unknown", ip: clientIp(request.headers) };
        // Checked here too, not only by the sign-in action and route: whichever way a
        // password arrives, a locked account does not get it checked.
        const lock = await signInLock(db, who);
        if (lock.locked) {
          await appendAudit(db, { kind: "sign_in_refused", actor: who.email, payload: { reason: "locked", scope: lock.scope } });
          throw new SignInLocked();
        }
        const result = await verifyStaffCredentials({ db }, credentials);
        if (!result.ok) {
          // A refused attempt is a staff action too; the address is kept only when it is one.
          await appendAudit(db, { kind: "sign_in_refused", actor: who.email, payload: { reason: result.error } });
          if (result.error === "invalid_credentials") await recordSignInFailure(db, who);
          return null;
        }
        await clearSignInFailures(db, result.staff.email);
        if (refusesDemoPassword(String((credentials as { password?: unknown }).password))) {
          await appendAudit(db, { kind: "sign_in_refused", actor: result.staff.email, payload: { reason: "demo_password" } });
          throw new DemoPasswordRefused();
        }
        const { id, email, name, role } = result.staff;
        await appendAudit(db, { kind: "sign_in", actor: email, subject: `staff:${id}`, payload: { role } });
        return { id, email, name, role };
      },
    }),
  ],
});
