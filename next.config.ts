import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Packages that load WASM or native code at run time stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@prisma/schema-engine-wasm", "pg", "bcryptjs", "gpt-tokenizer", "pino", "pino-pretty"],
};

export default nextConfig;
