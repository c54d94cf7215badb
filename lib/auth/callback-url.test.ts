import { describe, expect, it } from "vitest";
import { safeCallbackPath, signInUrlFor } from "./callback-url";

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
