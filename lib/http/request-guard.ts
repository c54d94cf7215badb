import { jsonBodyProblem } from "../contracts/text";
import { ApiError, invalidInput, type ErrorSurface } from "./errors";

// The one guard in front of every state-changing route handler (POST and the like).
//
// A browser sends cookies with a cross-site "simple" request (a <form> post, or a
// no-cors fetch with text/plain) without asking the server first, so a page on any
// other origin could start a run or decide a review with the victim's session. Two
// rules close that:
// 1. The request comes from Switchboard's own origin (its Origin header), or it carries
//    a Bearer token, which a browser never attaches by itself (API clients, host site
//    backends, MCP clients). Routes that authenticate by cookie only do not take the
//    Bearer way out.
// 2. The body is declared `application/json`. A form cannot send that type, and a
//    cross-origin fetch that does is preflighted (and refused by CORS unless allowed).
//    A body without a content type is never parsed as JSON.
// Auth.js (its CSRF token) and server actions (Next.js compares Origin with Host) keep
// their own checks.

export type GuardOptions = {
  surface: ErrorSurface;
  /** Whether `Authorization: Bearer …` stands in for the app's own origin (API clients). */
  bearer?: boolean;
};

type HeaderSource = { get(name: string): string | null };

function hasBearer(headers: HeaderSource): boolean {
  return /^Bearer\s+\S+/i.test(headers.get("authorization") ?? "");
}

/**
 * The origins this request may come from: the URL it was addressed to, and the public
 * address a reverse proxy forwarded (x-forwarded-host / -proto), which a browser page
 * on another origin cannot set.
 */
export function ownOrigins(req: { url: string; headers: HeaderSource }): string[] {
  const url = new URL(req.url);
  const origins = [url.origin];
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(/:$/, "");
  if (host && (proto === "http" || proto === "https")) origins.push(`${proto}://${host.split(",")[0].trim()}`);
  return [...new Set(origins.map((o) => o.toLowerCase()))];
}

/** Throws forbidden:origin unless the request comes from the app itself (or carries a Bearer token, when allowed). */
export function requireTrustedOrigin(req: { url: string; headers: HeaderSource }, { surface, bearer = false }: GuardOptions): void {
  if (bearer && hasBearer(req.headers)) return;
  const origin = req.headers.get("origin");
  if (origin && origin !== "null" && ownOrigins(req).includes(origin.toLowerCase())) return;
  throw new ApiError(
    "forbidden:origin",
    bearer
      ? "This request must come from Switchboard's own pages, or carry Authorization: Bearer <token>."
      : "This request must come from Switchboard's own pages.",
    { details: { reason: origin ? "cross_origin" : "origin_missing", surface, ...(origin ? { origin } : {}) } },
  );
}

const HOST = /^(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * 400 for a request whose X-Forwarded-Host or X-Forwarded-Proto cannot name this app's
 * origin, else null. Next.js passes a client's own values through when no proxy in
 * front replaces them (and copies a bad Host into X-Forwarded-Host), and next-auth
 * builds a URL from the two for every session it reads: `http://[::1`, `'x%://…` or a
 * list (`https, http`) made it throw "Invalid URL", a 500 on every staff page and route.
 * One host and one protocol, as a proxy that sets them sends.
 */
export function malformedForwarding(req: { headers: HeaderSource }): ApiError | null {
  const host = req.headers.get("x-forwarded-host");
  const proto = req.headers.get("x-forwarded-proto");
  const bad = host !== null && !HOST.test(host.trim()) ? "x-forwarded-host" : proto !== null && !/^https?$/i.test(proto.trim()) ? "x-forwarded-proto" : null;
  if (!bad) return null;
  return new ApiError("bad_request:origin", `${bad === "x-forwarded-host" ? "X-Forwarded-Host must be one host[:port]" : "X-Forwarded-Proto must be http or https"}.`, {
    details: { reason: "malformed_forwarding", header: bad },
  });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A request that would run a server action (any POST to a page) from another origin,
 * or null. Next.js refuses those itself, but badly: it reads the Origin with `new URL`
 * before comparing it with the Host, so a look-alike that is no URL at all
 * (`http://127.0.0.1:3000.evil`, `http://[::1`) throws "Invalid URL", and a well-formed
 * foreign one (`https://evil.example`, `null`) gets "Invalid Server Actions request";
 * both answer 500. The proxy calls this first and answers 403 forbidden:origin. A
 * request without an Origin is left to Next.js (browsers always send one with a POST).
 */
export function pagePostFromOtherOrigin(req: { method: string; url: string; headers: HeaderSource }): ApiError | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const origin = req.headers.get("origin");
  if (origin === null || ownOrigins(req).includes(origin.toLowerCase())) return null;
  return new ApiError("forbidden:origin", "Server actions run only from Switchboard's own pages.", {
    details: { reason: "cross_origin", surface: "action", origin: origin.slice(0, 200) },
  });
}

/**
 * For downloads that write to the audit log (the audit exports): throws 403
 * forbidden:origin unless the browser says the request comes from Switchboard's own
 * pages. A GET needs no Origin, and a top-level navigation from another site carries
 * the staff session cookie (SameSite=Lax lets it through), so a link on any page could
 * make an auditor download an export and record it in their name. Browsers say where a
 * request comes from in Sec-Fetch-Site: `same-origin` (the audit page's own links) and
 * `none` (typed into the address bar, a bookmark) pass; `same-site`, `cross-site` or
 * anything else is refused. Without the header at all (curl, scripts, browsers from
 * before 2023) it passes: such a client holds the session cookie itself, and no other
 * site can make it send one.
 */
export function requireSameOriginNavigation(req: { headers: HeaderSource }, surface: ErrorSurface): void {
  const site = req.headers.get("sec-fetch-site");
  if (site === null || site === "same-origin" || site === "none") return;
  throw new ApiError("forbidden:origin", "Exports start only from Switchboard's own pages: open the audit page and use its Export link.", {
    details: { reason: "cross_site", surface, secFetchSite: site.slice(0, 40) },
  });
}

/** Throws unsupported_media_type:<surface> unless the body is declared application/json. */
export function requireJsonContentType(req: { headers: HeaderSource }, surface: ErrorSurface): void {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return;
  throw new ApiError(`unsupported_media_type:${surface}`, "The body must be sent as Content-Type: application/json.", {
    details: { contentType: type || null },
  });
}

/**
 * The guard for a state-changing route handler with a JSON body: origin (or Bearer),
 * then content type, then the body parsed. Returns the parsed JSON; throws an ApiError
 * (403, 415 or 400) before anything is read or changed. A string anywhere in the body
 * that PostgreSQL could not store, or nesting deeper than MAX_JSON_DEPTH, is a 400 too.
 */
export async function readGuardedJson(req: Request, opts: GuardOptions & { expected: string }): Promise<unknown> {
  requireTrustedOrigin(req, opts);
  requireJsonContentType(req, opts.surface);
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    throw new ApiError(`bad_request:${opts.surface}`, `Body must be JSON: ${opts.expected}`);
  }
  // A string PostgreSQL cannot store (NUL, an unpaired surrogate), in any field, is the
  // client's mistake: a 400 here, not a 500 from a write further in. So is a body nested
  // thousands of levels deep, which no field of ours needs.
  const problem = jsonBodyProblem(json);
  if (problem) throw invalidInput(opts.surface, [problem]);
  return json;
}
