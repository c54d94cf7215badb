import { describe, expect, it } from "vitest";
import { authRequestProblem, safeCallbackPath, signInUrlFor } from "./callback-url";

describe("callback paths", () => {
  it.each(["/reviews", "/audit?run=1", "/", "/chat#top"])("keeps the same-site path %s", (p) => {
    expect(safeCallbackPath(p)).toBe(p);
  });

  it.each([
    ["an absolute URL", "https://evil.test/reviews"],
    ["a protocol-relative URL", "//evil.test"],
    ["a backslash trick", "/\\evil.test"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "reviews"],
    ["a control character", "/reviews\n"],
    ["the sign-in page", "/sign-in?callbackUrl=/reviews"],
    ["nothing", undefined],
    ["a non-string", ["/reviews"]],
  ])("falls back to / for %s", (_label, raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
  });

  it("builds the sign-in URL that returns to a path", () => {
    expect(signInUrlFor("/reviews?x=1")).toBe("/sign-in?callbackUrl=%2Freviews%3Fx%3D1");
  });
});

describe("callbackUrl on Auth.js's own endpoints", () => {
  const req = (query: string, cookies: Record<string, string> = {}) => ({
    url: `http://127.0.0.1:3000/api/auth/signin${query}`,
    cookies: { get: (name: string) => (name in cookies ? { value: cookies[name] } : undefined) },
  });

  it.each(["", "?callbackUrl=/reviews", "?callbackUrl=http://127.0.0.1:3000/reviews", "?callbackUrl=https://elsewhere.example/"])(
    "lets through what Auth.js accepts: %s",
    (q) => expect(authRequestProblem(req(q))).toBeNull(),
  );

  it.each(["javascript:alert(1)", "data:text/html,hi", "%00", "mailto:a@b.c", "not a url"])("names the query callbackUrl %s, which Auth.js would answer with a 500", (raw) => {
    expect(authRequestProblem(req(`?callbackUrl=${raw}`))).toEqual({ where: "query" });
  });

  it("names a bad callback cookie, secure or not", () => {
    expect(authRequestProblem(req("", { "authjs.callback-url": "javascript:alert(1)" }))).toEqual({ where: "cookie", cookie: "authjs.callback-url" });
    expect(authRequestProblem(req("", { "__Secure-authjs.callback-url": "vbscript:x" }))).toEqual({ where: "cookie", cookie: "__Secure-authjs.callback-url" });
    expect(authRequestProblem(req("", { "authjs.callback-url": "http://127.0.0.1:3000/reviews" }))).toBeNull();
  });
});
