import { expect, test } from "@playwright/test";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { dbQuery } from "./support/db";
import { SAME_ORIGIN } from "./support/env";
import { customerToken } from "./support/tokens";

const someReviewId = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";

test.describe("role checks", () => {
  test("an auditor is refused the review queue page and its API", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor");
    const queue = new ReviewQueuePage(page);
    await queue.goto();
    await expect(queue.forbidden).toBeVisible();
    await expect(queue.forbidden).toContainText("403");
    await expect(queue.items).toHaveCount(0);

    // The same session, straight at the route handler: refused by the handler itself.
    const res = await page.request.post(`/api/reviews/${someReviewId}/decision`, { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(res.status()).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "forbidden:review", message: "Your role may not do this." } });
  });

  test("an auditor may open the audit trail", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor");
    await page.goto("/audit");
    await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
    await expect(page.getByTestId("audit-filters")).toBeVisible();
  });

  test("a reviewer is refused the audit trail and its exports", async ({ page }) => {
    await new SignInPage(page).signInAs("reviewer");
    await page.goto("/audit");
    await expect(page.getByTestId("forbidden")).toBeVisible();
    const csv = await page.request.get("/api/audit/runs/export");
    expect(csv.status()).toBe(403);
    expect(await csv.json()).toEqual({ error: { code: "forbidden:audit", message: "Your role may not do this." } });
    expect((await page.request.get(`/api/audit/runs/${someReviewId}/export`)).status()).toBe(403);
  });

  test("reading a run is one rule: a reviewer is refused its API and its audit page, an auditor reads both, its customer the API", async ({ browser, request }) => {
    const token = await customerToken({ customerId: "C-1005" });
    const started = await request.post("/api/runs", { headers: { ...SAME_ORIGIN, authorization: `Bearer ${token}` }, data: { message: "What is my balance?" } });
    expect(started.status()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await expect.poll(async () => (await dbQuery<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [runId]))[0]?.status, { timeout: 60_000 }).toMatch(/completed|awaiting_review|failed/);
    const apis = [`/api/runs/${runId}`, `/api/runs/${runId}/events`, `/api/runs/${runId}/stream`];

    const reviewer = await browser.newPage();
    await new SignInPage(reviewer).signInAs("reviewer");
    for (const path of apis) {
      const res = await reviewer.request.get(path);
      expect(res.status(), path).toBe(403);
      expect((await res.json()).error.code, path).toBe("forbidden:run");
    }
    await reviewer.goto(`/audit/runs/${runId}`);
    await expect(reviewer.getByTestId("forbidden")).toBeVisible();

    const auditor = await browser.newPage();
    await new SignInPage(auditor).signInAs("auditor");
    for (const path of apis) expect((await auditor.request.get(path)).status(), path).toBe(200);
    await auditor.goto(`/audit/runs/${runId}`);
    await expect(auditor.getByTestId("audit-run-id")).toContainText(runId);

    for (const path of apis) expect((await request.get(path, { headers: { authorization: `Bearer ${token}` } })).status(), path).toBe(200);
    await Promise.all([reviewer.close(), auditor.close()]);
  });

  test("a reviewer is refused the usage dashboard", async ({ page }) => {
    await new SignInPage(page).signInAs("reviewer");
    await page.goto("/usage");
    await expect(page.getByTestId("forbidden")).toBeVisible();
  });

  test("the decision API answers 401 to an anonymous caller", async ({ request }) => {
    const res = await request.post(`/api/reviews/${someReviewId}/decision`, { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(res.status()).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthorized:review", message: "Sign in as a staff member first." } });
  });
});
