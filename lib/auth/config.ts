import type { NextAuthConfig } from "next-auth";
import { STAFF_ROLES, type StaffRole } from "./roles";

// The part of the next-auth configuration that needs no database, shared by the
// full instance (lib/auth/auth.ts) and the proxy, which must stay light.

declare module "next-auth" {
  interface User {
    role?: StaffRole;
    /** When this session signed in (ms since the epoch): signing out revokes older ones. */
    signedInAt?: number;
  }
}

const isStaffRole = (v: unknown): v is StaffRole => (STAFF_ROLES as readonly unknown[]).includes(v);

/** Staff sessions last one working day (the role is read from the account on every request: lib/auth/session.ts). */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const authConfig = {
  // The app runs behind whatever host name the operator gives it (127.0.0.1 in tests,
  // a proxy in production); next-auth must take the host from the request.
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in" },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      // `user` is present only on the sign-in request: copy what the session needs.
      if (user) {
        token.sub = user.id;
        token.role = user.role;
        token.signedInAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = isStaffRole(token.role) ? token.role : undefined;
      session.user.signedInAt = typeof token.signedInAt === "number" ? token.signedInAt : 0;
      return session;
    },
  },
} satisfies NextAuthConfig;
