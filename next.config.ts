import type { NextConfig } from "next";

// Security headers fixed at build time, for every response. The Content-Security-Policy
// (a nonce per request, and the widget's frame-ancestors from WIDGET_ALLOWED_ORIGINS)
// and HSTS depend on the request, so proxy.ts sets those.
const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
// Nothing frames the console (frame-ancestors 'none' in the CSP; this header for
// browsers that predate it). The widget is left out: the allowed hosts frame it.
const notFramed = [{ key: "X-Frame-Options", value: "DENY" }];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Packages that load WASM or native code at run time stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@prisma/schema-engine-wasm", "pg", "bcryptjs", "gpt-tokenizer", "pino", "pino-pretty"],
  async headers() {
    return [
      { source: "/:path*", headers: everywhere },
      // Every path except /widget itself.
      { source: "/:path((?!widget$).*)", headers: notFramed },
    ];
  },
};

export default nextConfig;
