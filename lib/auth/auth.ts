import "server-only";
import NextAuth from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { clientIp } from "../http/client-address";
import { log } from "../log";
import { authConfig } from "./config";
import { revokeSessionsOnSignOut } from "./sign-out";
import { attemptStaffSignIn } from "./staff-sign-in";

/** A sign-in refused because the account or the address is locked after too many wrong passwords. */
class SignInLocked extends CredentialsSignin {
  code = "locked";
}

/** A correct demo password outside demo mode: refused, since everyone knows it. */
class DemoPasswordRefused extends CredentialsSignin {
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
  events: {
    // Every way out ends here: the console's sign-out action (signOut below) and a form
    // posted to Auth.js's own /api/auth/signout alike. Clearing the cookie is not enough
    // (lib/auth/sign-out.ts): the account's sessions until now are revoked on the server.
    // Auth.js logs an error thrown here (the logger above) and clears the cookie anyway.
    async signOut(message) {
      await revokeSessionsOnSignOut(getDb(), "token" in message ? message.token : null);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        // Counted before the password is checked (lib/auth/staff-sign-in.ts): however the
        // password arrives and however many arrive at once, a locked account or address
        // does not get one checked.
        const result = await attemptStaffSignIn({ db: getDb() }, credentials, clientIp(request.headers));
        if (result.ok) {
          const { id, email, name, role } = result.staff;
          return { id, email, name, role };
        }
        if (result.error === "locked") throw new SignInLocked();
        if (result.error === "demo_password") throw new DemoPasswordRefused();
        return null;
      },
    }),
  ],
});
