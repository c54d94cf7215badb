import { describe, expect, it } from "vitest";
import { API_CSP, newNonce, pageCsp, servedOverHttps } from "./security-headers";

const directives = (csp: string) => Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("security headers", () => {
  it("gives every request its own nonce", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });

  it("lets a page run only its own nonce's scripts, and be framed by nobody", () => {
    const csp = directives(pageCsp({ nonce: "abc", frameAncestors: [], https: false }));
    expect(csp["script-src"]).toBe("'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp["frame-ancestors"]).toBe("'none'");
    expect(csp["object-src"]).toBe("'none'");
    expect(csp["base-uri"]).toBe("'self'");
    expect(csp["form-action"]).toBe("'self'");
    expect(csp).not.toHaveProperty("upgrade-insecure-requests");
    expect(JSON.stringify(csp)).not.toContain("unsafe-eval");
  });

  it("lets the allowed hosts frame the widget, upgrades requests over HTTPS, and allows eval only in development", () => {
    const csp = directives(pageCsp({ nonce: "n", frameAncestors: ["https://shop.example"], https: true, dev: true }));
    expect(csp["frame-ancestors"]).toBe("https://shop.example");
    expect(csp).toHaveProperty("upgrade-insecure-requests");
    expect(csp["script-src"]).toContain("'unsafe-eval'");
  });

  it("knows HTTPS from the URL or the proxy's X-Forwarded-Proto", () => {
    const req = (url: string, proto?: string) => ({ url, headers: new Headers(proto ? { "x-forwarded-proto": proto } : {}) });
    expect(servedOverHttps(req("https://a.example/"))).toBe(true);
    expect(servedOverHttps(req("http://127.0.0.1:3000/"))).toBe(false);
    expect(servedOverHttps(req("http://127.0.0.1:3000/", "https"))).toBe(true);
    expect(servedOverHttps(req("https://a.example/", "http"))).toBe(false);
  });

  it("answers API responses as data that nothing may render or frame", () => {
    expect(API_CSP).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
