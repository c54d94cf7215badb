// Which host sites may embed the chat widget: WIDGET_ALLOWED_ORIGINS, a comma-separated
// list of origins (scheme://host[:port], no path). The same list decides three things:
// the widget page's frame-ancestors, the widget's postMessage and token-exchange checks,
// and CORS on the customer-facing API. Unset means no host may embed the widget.

/** The configured origins, normalised; throws on an entry that is not a plain http(s) origin. */
export function widgetAllowedOrigins(env: Record<string, string | undefined> = process.env): string[] {
  const entries = (env.WIDGET_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return [...new Set(entries.map(parseOrigin))];
}

function parseOrigin(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new Error(`WIDGET_ALLOWED_ORIGINS: "${entry}" is not an origin like https://shop.example`);
  }
  // A path, query or credentials would be silently dropped by the browser's origin
  // comparison: refuse them so that what is configured is what is enforced.
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin + "/" !== url.href.replace(/\/?$/, "/") || url.username) {
    throw new Error(`WIDGET_ALLOWED_ORIGINS: "${entry}" must be scheme://host[:port] with nothing after it`);
  }
  return url.origin;
}

/** Whether `origin` (an Origin header or MessageEvent.origin) is one of `allowed`. */
export function isAllowedOrigin(origin: string | null | undefined, allowed: readonly string[]): boolean {
  return !!origin && origin !== "null" && allowed.includes(origin);
}

const CORS_METHODS = "GET, POST, OPTIONS";
const CORS_HEADERS = "authorization, content-type, idempotency-key, last-event-id";

/**
 * CORS headers for a cross-origin request from `origin`, or null when it is not allowed.
 * No Access-Control-Allow-Credentials: a host page calls the API with a Bearer token,
 * never with Switchboard's cookies.
 */
export function corsHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> | null {
  if (!isAllowedOrigin(origin, allowed)) return null;
  return {
    "access-control-allow-origin": origin!,
    "access-control-allow-methods": CORS_METHODS,
    "access-control-allow-headers": CORS_HEADERS,
    "access-control-max-age": "600",
    vary: "Origin",
  };
}
