import { expect, test } from "@playwright/test";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { SAME_ORIGIN } from "./support/env";
import { deleteSeededReview, insertPendingReview, readReview, type SeededReview } from "./support/review-fixtures";

test.describe("review decisions", () => {
  let seeded: SeededReview;
  test.beforeEach(async () => {
    seeded = await insertPendingReview({ customerId: "C-1002", summary: "Credit of $80.00 for a duplicate charge exceeds the $50 auto-credit limit" });
  });
  test.afterEach(async () => {
    await deleteSeededReview(seeded);
  });

  test("a reviewer approves a pending item with a note and it leaves the queue", async ({ page }) => {
    await new SignInPage(page).signInAs("reviewer", "/reviews");
    const queue = new ReviewQueuePage(page);
    const item = queue.item(seeded.reviewId);
    await expect(item).toContainText("Credit over limit");
    await expect(item).toContainText("Marcus Lee");
    await expect(item).toContainText("C-1002");

    await queue.decide(seeded.reviewId, "approve", "Duplicate charge confirmed on the invoice");
    await queue.goto();
    await expect(queue.heading).toBeVisible();
    await expect(item).toHaveCount(0);
    expect(await readReview(seeded.reviewId)).toEqual({
      status: "approved",
      decidedBy: "reviewer@switchboard.local",
      note: "Duplicate charge confirmed on the invoice",
    });
  });

  test("the decision API validates, decides once, and reports conflicts", async ({ page }) => {
    await new SignInPage(page).signInAs("admin");
    const url = `/api/reviews/${seeded.reviewId}/decision`;

    const invalid = await page.request.post(url, { headers: SAME_ORIGIN, data: { decision: "maybe" } });
    expect(invalid.status()).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "invalid_input:review", details: { issues: [{ path: "decision" }] } } });

    const badId = await page.request.post("/api/reviews/not-a-uuid/decision", { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(badId.status()).toBe(400);

    const missing = await page.request.post("/api/reviews/00000000-0000-4000-8000-000000000000/decision", { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(missing.status()).toBe(404);

    const unclaimed = await page.request.post(url, { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(unclaimed.status()).toBe(409);
    expect((await unclaimed.json()).error.details.reason).toBe("not_claimed");
    const claim = await page.request.post(`/api/reviews/${seeded.reviewId}/claim`, { headers: SAME_ORIGIN, data: {} });
    expect(claim.status()).toBe(200);
    expect(await claim.json()).toMatchObject({ ok: true, version: 1 });

    const first = await page.request.post(url, { headers: SAME_ORIGIN, data: { decision: "reject", note: "Not a duplicate" } });
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({ ok: true, status: "rejected" });

    const second = await page.request.post(url, { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(second.status()).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "conflict:review", details: { reason: "already_decided" } } });
    expect(await readReview(seeded.reviewId)).toMatchObject({ status: "rejected", decidedBy: "admin@switchboard.local" });
  });
});
