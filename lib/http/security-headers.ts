// The Content-Security-Policy and transport headers that depend on the request, set by
// proxy.ts (the static ones, nosniff, Referrer-Policy and X-Frame-Options, are in
// next.config.ts).
//
// Pages get a fresh nonce per request, the Next.js way: the proxy puts the policy on
// the request too, Next.js reads the nonce from it and stamps every script it renders,
// and 'strict-dynamic' lets those scripts load the chunks they need. No other script
// runs: not an injected <script>, not an inline handler, not a script from another
// origin. The console may be framed by nobody; the widget only by the allowed hosts.

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Whether the browser reached us over HTTPS (directly, or through a proxy that says so). */
export function servedOverHttps(req: { url: string; headers: { get(name: string): string | null } }): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return (forwarded ?? new URL(req.url).protocol.replace(/:$/, "")) === "https";
}

/** The policy for a page. `frameAncestors` empty means nobody may frame it. */
export function pageCsp(opts: { nonce: string; frameAncestors: readonly string[]; https: boolean; dev?: boolean }): string {
  const directives = [
    "default-src 'self'",
    // 'unsafe-eval' only under next dev (React's dev tooling needs it); never in production.
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (React's style prop, Next's own) need 'unsafe-inline'; a
    // nonce here would switch it off. Styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${opts.frameAncestors.length ? opts.frameAncestors.join(" ") : "'none'"}`,
  ];
  if (opts.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** The policy for an API response: it is data, never a document to render or frame. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** HSTS for two years, subdomains included; sent only on responses served over HTTPS. */
export const HSTS = "max-age=63072000; includeSubDomains";
