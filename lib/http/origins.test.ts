import { describe, expect, it } from "vitest";
import { corsHeaders, isAllowedOrigin, widgetAllowedOrigins } from "./origins";

describe("widget origins", () => {
  it("parses and normalises WIDGET_ALLOWED_ORIGINS", () => {
    expect(widgetAllowedOrigins({})).toEqual([]);
    expect(widgetAllowedOrigins({ WIDGET_ALLOWED_ORIGINS: " https://Shop.Example , http://localhost:3101/,https://shop.example:443" })).toEqual([
      "https://shop.example",
      "http://localhost:3101",
    ]);
  });

  it.each(["shop.example", "https://shop.example/path", "https://shop.example?x=1", "ftp://shop.example", "*", "https://user@shop.example"])(
    "refuses %s",
    (entry) => {
      expect(() => widgetAllowedOrigins({ WIDGET_ALLOWED_ORIGINS: entry })).toThrow(/WIDGET_ALLOWED_ORIGINS/);
    },
  );

  it("matches exact origins only", () => {
    const allowed = ["https://shop.example"];
    expect(isAllowedOrigin("https://shop.example", allowed)).toBe(true);
    for (const other of ["https://evil.example", "https://shop.example.evil.example", "http://shop.example", "null", "", null]) {
      expect(isAllowedOrigin(other, allowed), String(other)).toBe(false);
    }
  });

  it("CORS answers an allowed origin by name and nobody else", () => {
    expect(corsHeaders("https://shop.example", ["https://shop.example"])).toMatchObject({ "access-control-allow-origin": "https://shop.example", vary: "Origin" });
    expect(corsHeaders("https://shop.example", ["https://shop.example"])).not.toHaveProperty("access-control-allow-credentials");
    expect(corsHeaders("https://evil.example", ["https://shop.example"])).toBeNull();
    expect(corsHeaders(null, ["https://shop.example"])).toBeNull();
  });
});
