/**
 * Reduces a user-supplied callbackUrl to a same-site path. Anything that could leave
 * the site ("//evil.test", "https://evil.test", "/\\evil.test") falls back to "/",
 * so the sign-in page can never be used as an open redirect.
 */
export function safeCallbackPath(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // Control characters and backslashes are never part of a path we generate.
  if (/[\u0000-\u001f\\]/.test(raw)) return fallback;
  // The sign-in page itself is no destination: it would loop.
  if (raw === "/sign-in" || raw.startsWith("/sign-in?") || raw.startsWith("/sign-in/")) return fallback;
  return raw;
}

/** The sign-in URL that returns to `path` afterwards. */
export function signInUrlFor(path: string): string {
  return `/sign-in?${new URLSearchParams({ callbackUrl: safeCallbackPath(path) })}`;
}

// Auth.js accepts a callbackUrl that is a path or an absolute http(s) URL, and throws
// on anything else (javascript:, data:, a NUL), which it answers with a 500.
const CALLBACK_COOKIES = ["authjs.callback-url", "__Secure-authjs.callback-url"];

function acceptableToAuthJs(url: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, url.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/** Where a request to Auth.js carries a callbackUrl it would refuse with a 500 (the query, or a cookie by name), or null. */
export function authRequestProblem(req: {
  url: string;
  cookies: { get(name: string): { value: string } | undefined };
}): { where: "query"; cookie?: undefined } | { where: "cookie"; cookie: string } | null {
  const url = new URL(req.url);
  const param = url.searchParams.get("callbackUrl");
  if (param && !acceptableToAuthJs(param, url.origin)) return { where: "query" };
  for (const name of CALLBACK_COOKIES) {
    const value = req.cookies.get(name)?.value;
    if (value && !acceptableToAuthJs(value, url.origin)) return { where: "cookie", cookie: name };
  }
  return null;
}
