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
    // next-auth's ESM imports "next/server" and "next/headers" without an extension,
    // which Node's own loader refuses; through Vite's resolver it loads, and a test's
    // vi.mock("next/headers") then reaches next-auth's auth() too (app/api/hostile-input.test.ts).
    server: { deps: { inline: ["next-auth"] } },
    hookTimeout: 60_000,
  },
});
