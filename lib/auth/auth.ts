import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { authConfig } from "./config";
import { verifyStaffCredentials } from "./credentials";

/** The app's next-auth instance: staff sign in with email and password from StaffUser. */
export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const result = await verifyStaffCredentials({ db: getDb() }, credentials);
        if (!result.ok) return null;
        const { id, email, name, role } = result.staff;
        return { id, email, name, role };
      },
    }),
  ],
});
