import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { signInUrlFor } from "@/lib/auth/callback-url";
import { authConfig } from "@/lib/auth/config";
import { ApiError } from "@/lib/http/errors";
import { corsHeaders, widgetAllowedOrigins } from "@/lib/http/origins";
import { malformedForwarding, ownOrigins, pagePostFromOtherOrigin } from "@/lib/http/request-guard";
import { API_CSP, HSTS, newNonce, pageCsp, servedOverHttps } from "@/lib/http/security-headers";

// Runs at request time (Node runtime) for every page and API route, so the nonce is
// fresh per request and WIDGET_ALLOWED_ORIGINS is read from the running server's
// environment, not baked in at build time as next.config headers are.
//
// - Every page: a Content-Security-Policy with a per-request nonce (lib/http/security-
//   headers.ts), also put on the request so Next.js stamps its scripts with the nonce;
//   frame-ancestors 'none', except /widget, which the allowed host origins may frame.
// - Every API response: a policy that renders and frames nothing.
// - Over HTTPS: Strict-Transport-Security.
// - Staff pages: a convenience redirect to sign-in. Every page, action and route handler
//   still checks the session and role itself (a proxy can be bypassed, and it does not
//   see server actions).
// - X-Forwarded-Host / -Proto that name no origin: 400 (next-auth would throw on them).
// - Server actions (a POST to any page) from another origin: 403 forbidden:origin.
// - The customer-facing API: same-origin and server-to-server callers (no Origin) pass;
//   a browser on an allowed host origin gets CORS; any other origin is refused with 403.

const { auth } = NextAuth(authConfig);

const STAFF_PAGES = /^\/(?:reviews|audit|usage|settings)(?:\/|$)/;
const CUSTOMER_API = /^\/api\/(?:runs|customer\/session|widget\/session)(?:\/|$)/;

/** The response for a page: the request goes on with the policy (Next.js reads the nonce from it), and the response carries it. */
function pageResponse(req: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = pageCsp({
    nonce,
    frameAncestors: req.nextUrl.pathname === "/widget" ? widgetAllowedOrigins() : [],
    https: servedOverHttps(req),
    dev: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", csp);
  headers.set("x-nonce", nonce);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

const staffProxy = auth((req) => {
  if (req.auth?.user) return pageResponse(req);
  const { pathname, search } = req.nextUrl;
  return NextResponse.redirect(new URL(signInUrlFor(pathname + search), req.nextUrl));
});

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

async function route(req: NextRequest, ev: NextFetchEvent): Promise<Response> {
  const { pathname } = req.nextUrl;
  if (pathname.startsWith("/api/")) {
    const res = CUSTOMER_API.test(pathname) ? customerApi(req) : NextResponse.next();
    res.headers.set("content-security-policy", API_CSP);
    return res;
  }
  // A server action posted from another origin: 403 here, where Next.js would answer 500.
  const foreign = pagePostFromOtherOrigin(req);
  if (foreign) return foreign.toResponse();
  if (STAFF_PAGES.test(pathname)) {
    // next-auth types its wrapper as a route handler (context with params); as a proxy
    // it is called with the fetch event, which it passes through untouched.
    return (await staffProxy(req, ev as unknown as Parameters<typeof staffProxy>[1])) ?? pageResponse(req);
  }
  return pageResponse(req);
}

export async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const malformed = malformedForwarding(req);
  if (malformed) return malformed.toResponse();
  const res = await route(req, ev);
  if (servedOverHttps(req)) res.headers.set("strict-transport-security", HSTS);
  return res;
}

export const config = {
  // Everything but the build's static files and the public files (widget.js, images):
  // those are not documents, and nosniff and the framing headers reach them from next.config.
  matcher: ["/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:js|css|png|jpg|jpeg|svg|ico|webp|txt|map)$).*)"],
};
