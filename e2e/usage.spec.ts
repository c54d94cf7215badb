import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";
import { dbQuery } from "./support/db";

// Usage history straight into the database (the engine is not what these specs test):
// ten days of runs with billing invocations and their model calls, then one billing
// invocation with ten times the usual tokens, which the app's background check must
// turn into an alert by itself.

async function insertRun(at: Date, billingTokens: number[]): Promise<string> {
  const conversationId = randomUUID();
  const runId = randomUUID();
  await dbQuery(`INSERT INTO conversations (id, "customerId", "createdAt") VALUES ($1, 'C-1003', $2)`, [conversationId, at]);
  await dbQuery(
    `INSERT INTO runs (id, "conversationId", "customerId", input, status, step, "tokensIn", "tokensOut", "latencyMs", "createdAt", "updatedAt", "finishedAt")
     VALUES ($1, $2, 'C-1003', 'usage history', 'completed', 'finished', $3, 300, 900, $4, $4, $4)`,
    [runId, conversationId, billingTokens.reduce((a, b) => a + b, 0) + 1500, at],
  );
  await dbQuery(`INSERT INTO model_calls (id, "runId", role, model, "tokensIn", "tokensOut", "latencyMs", "createdAt") VALUES ($1, $2, 'supervisor', 'local-supervisor', 900, 60, 120, $3), ($4, $2, 'synthesis', 'local-synthesis', 600, 140, 150, $3)`, [randomUUID(), runId, at, randomUUID()]);
  for (const [i, tokens] of billingTokens.entries()) {
    const invId = randomUUID();
    await dbQuery(
      `INSERT INTO worker_invocations (id, "runId", "taskId", worker, attempt, status, input, model, "tokensIn", "tokensOut", "latencyMs", "startedAt", "finishedAt")
       VALUES ($1, $2, $3, 'billing', 1, 'succeeded', '{}', 'local-billing', $4, 80, $5, $6, $6)`,
      [invId, runId, `t${i}`, tokens, 180 + ((tokens * 7) % 60), at],
    );
    await dbQuery(`INSERT INTO model_calls (id, "runId", role, "invocationId", model, "tokensIn", "tokensOut", "latencyMs", "createdAt") VALUES ($1, $2, 'billing', $3, 'local-billing', $4, 80, 200, $5)`, [randomUUID(), runId, invId, tokens, at]);
  }
  return runId;
}

test.describe("usage dashboard", () => {
  test("an admin sees the usage charts and an alert for a worker using ten times its usual tokens, and acknowledges it", async ({ page }) => {
    test.setTimeout(120_000);
    const now = Date.now();
    for (let d = 10; d >= 1; d--) await insertRun(new Date(now - d * 86_400_000), [1000 + d * 7, 960 + d * 5, 1040 - d * 3]);
    const oddRun = await insertRun(new Date(), [10_400]);

    await new SignInPage(page).signInAs("admin");
    await page.goto("/usage");
    await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
    // The app's background check runs every 10 s.
    const alert = page.locator(`[data-testid="alert"][data-metric="tokens"]`).filter({ hasText: "billing used 10,480 tokens" });
    await expect(async () => {
      await page.reload();
      await expect(alert).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 45_000 });
    await expect(page.getByTestId("nav-link-usage-badge")).toBeVisible();
    await expect(page.getByTestId("chart-tokens-per-day").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId("chart-cost-per-day").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.locator('[data-testid="usage-worker-row"][data-worker="billing"]')).toBeVisible();
    await expect(page.getByTestId("usage-model-row").first()).toBeVisible();

    await alert.getByTestId("alert-acknowledge").click();
    await expect(alert).toHaveCount(0);
    const [row] = await dbQuery<{ acknowledgedBy: string }>(`SELECT "acknowledgedBy" FROM usage_alerts WHERE "runId" = $1 AND metric = 'tokens'`, [oddRun]);
    expect(row.acknowledgedBy).toBe("admin@switchboard.local");
    const audit = await dbQuery<{ actor: string }>(`SELECT actor FROM audit_log WHERE kind = 'alert_acknowledged' AND "runId" = $1`, [oddRun]);
    expect(audit.map((a) => a.actor)).toEqual(["admin@switchboard.local"]);
  });

  test("an auditor is refused the usage dashboard", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor");
    await page.goto("/usage");
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.getByTestId("nav-link-usage")).toHaveCount(0);
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const [label, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
      test(`screenshots: usage, ${label}, ${scheme}`, async ({ page }) => {
        // One open alert for the picture (the detection itself is the test above).
        const [run] = await dbQuery<{ id: string }>(`SELECT id FROM runs ORDER BY "createdAt" DESC LIMIT 1`);
        const subject = `screenshot:${randomUUID()}`;
        await dbQuery(
          `INSERT INTO usage_alerts (id, "invocationId", "runId", worker, metric, value, baseline, score, threshold, message)
           VALUES ($1, $2, $3, 'tech_support', 'latency', 4200, 350, 11.2, 3, 'tech_support used 4,200 ms (12.0× the median), robust z 11.2 over its last 200 invocations (threshold 3)')`,
          [randomUUID(), subject, run.id],
        );
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height });
        await new SignInPage(page).signInAs("admin");
        await page.goto("/usage");
        await expect(page.getByTestId("chart-tokens-per-day").locator(".recharts-bar-rectangle").first()).toBeVisible();
        await page.screenshot({ path: `test-results/screens/usage-${label}-${scheme}.png`, fullPage: true });
        await dbQuery(`UPDATE usage_alerts SET "acknowledgedAt" = now(), "acknowledgedBy" = 'e2e' WHERE "invocationId" = $1`, [subject]);
      });
    }
  }
});
