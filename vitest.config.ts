import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(".") } },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Test files share one database and reset the world between tests.
    fileParallelism: false,
    testTimeout: 30_000,
    // next-auth imports "next/server" without an extension, which Node's ESM resolver
    // refuses (next has no exports map); processed by Vite, it resolves as in the app.
    // Only route tests that drive Auth.js's own endpoints load it for real.
    server: { deps: { inline: ["next-auth"] } },
    hookTimeout: 60_000,
  },
});
