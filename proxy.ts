import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { signInUrlFor } from "@/lib/auth/callback-url";
import { authConfig } from "@/lib/auth/config";
import { ApiError } from "@/lib/http/errors";
import { corsHeaders, widgetAllowedOrigins, widgetFrameAncestors } from "@/lib/http/origins";
import { ownOrigins } from "@/lib/http/request-guard";

// Runs at request time (Node runtime), so WIDGET_ALLOWED_ORIGINS is read from the
// running server's environment, not baked in at build time as next.config headers are.
//
// - Staff pages: a convenience redirect to sign-in. Every page, action and route handler
//   still checks the session and role itself (a proxy can be bypassed, and it does not
//   see server actions).
// - /widget: may be framed only by the allowed host origins (CSP frame-ancestors).
// - The customer-facing API: same-origin and server-to-server callers (no Origin) pass;
//   a browser on an allowed host origin gets CORS; any other origin is refused with 403.

const { auth } = NextAuth(authConfig);

const staffProxy = auth((req) => {
  if (req.auth?.user) return NextResponse.next();
  const { pathname, search } = req.nextUrl;
  return NextResponse.redirect(new URL(signInUrlFor(pathname + search), req.nextUrl));
});

const CUSTOMER_API = /^\/api\/(?:runs|customer\/session|widget\/session)(?:\/|$)/;

function widgetPage(): NextResponse {
  const res = NextResponse.next();
  res.headers.set("content-security-policy", widgetFrameAncestors(widgetAllowedOrigins()));
  return res;
}

function customerApi(req: NextRequest): NextResponse | Response {
  const origin = req.headers.get("origin");
  // The app's own origin by the Host header (nextUrl names the server's bound hostname,
  // which is not always the one the browser used).
  if (!origin || ownOrigins(req).includes(origin.toLowerCase()) || req.headers.get("sec-fetch-site") === "same-origin") return NextResponse.next();
  const cors = corsHeaders(origin, widgetAllowedOrigins());
  if (!cors) {
    return new ApiError("forbidden:origin", "This origin may not call Switchboard: it is not in WIDGET_ALLOWED_ORIGINS.", {
      details: { origin },
    }).toResponse();
  }
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
  const res = NextResponse.next();
  for (const [name, value] of Object.entries(cors)) res.headers.set(name, value);
  return res;
}

export async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const { pathname } = req.nextUrl;
  if (pathname === "/widget") return widgetPage();
  if (CUSTOMER_API.test(pathname)) return customerApi(req);
  // next-auth types its wrapper as a route handler (context with params); as a proxy
  // it is called with the fetch event, which it passes through untouched.
  return staffProxy(req, ev as unknown as Parameters<typeof staffProxy>[1]);
}

export const config = {
  matcher: ["/reviews/:path*", "/audit/:path*", "/usage/:path*", "/settings/:path*", "/widget", "/api/runs/:path*", "/api/customer/session", "/api/widget/session"],
};
