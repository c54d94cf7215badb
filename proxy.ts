import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { signInUrlFor } from "@/lib/auth/callback-url";
import { authConfig } from "@/lib/auth/config";

// A convenience only: anonymous visitors to staff pages go straight to sign-in.
// Every page, action and route handler still checks the session and role itself
// (a proxy can be bypassed, and it does not see server actions).
const { auth } = NextAuth(authConfig);

export const proxy = auth((req) => {
  if (req.auth?.user) return NextResponse.next();
  const { pathname, search } = req.nextUrl;
  return NextResponse.redirect(new URL(signInUrlFor(pathname + search), req.nextUrl));
});

export const config = { matcher: ["/reviews/:path*", "/audit/:path*", "/usage/:path*"] };
