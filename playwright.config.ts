import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, e2eServerEnv, HOST_PORT, OTLP_URL } from "./e2e/support/env";

// Chromium comes from the system package (apt-get install chromium): browsers cannot
// be downloaded here, so `npx playwright install` is never needed.
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // scripts/test.ts runs the suite twice (PostgreSQL, then the @embedded journeys on the embedded database): a report each.
  reporter: [["list"], ["json", { outputFile: process.env.E2E_REPORT ?? "test-results/e2e.json" }]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      // Receives the app's spans (OTLP/HTTP) and shows a trace page per trace id (e2e/support/otlp-receiver.ts).
      command: "node --import tsx e2e/support/otlp-receiver.ts",
      url: `${OTLP_URL}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // start.ts migrates and seeds the database and builds the app if there is no build.
      command: "node --import tsx scripts/start.ts",
      url: `${E2E_BASE_URL}/api/health`,
      env: e2eServerEnv(),
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
      // SIGTERM lets start.ts stop the embedded database cleanly before it exits.
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      // The demo host site that embeds the widget, on other origins (e2e/support/host-server.ts).
      command: "node --import tsx e2e/support/host-server.ts",
      url: `http://127.0.0.1:${HOST_PORT}/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
  ],
});
