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
