import type { NextConfig } from "next";

// Security headers for every response. These are fixed at build time; the widget
// page's frame-ancestors depends on WIDGET_ALLOWED_ORIGINS at run time, so proxy.ts
// sets that one, and the rule below leaves /widget out.
const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
const notFramedByOthers = [
  { key: "Content-Security-Policy", value: "frame-ancestors 'self'" },
  // For browsers that predate frame-ancestors.
  { key: "X-Frame-Options", value: "SAMEORIGIN" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Packages that load WASM or native code at run time stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@prisma/schema-engine-wasm", "pg", "bcryptjs", "gpt-tokenizer", "pino", "pino-pretty"],
  async headers() {
    return [
      { source: "/:path*", headers: everywhere },
      // Every path except /widget itself.
      { source: "/:path((?!widget$).*)", headers: notFramedByOthers },
    ];
  },
};

export default nextConfig;
