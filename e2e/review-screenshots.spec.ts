import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { dbQuery } from "./support/db";
import { deleteSeededReview, insertPendingReview } from "./support/review-fixtures";
import { resetE2eWorld } from "./support/world";

// The queue and an item's page as people see them: desktop and phone, light and dark.
// The files land in test-results/screens/ (and the desktop ones in docs/) to be looked at.

const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

test("review queue and item page: desktop and phone, light and dark", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await resetE2eWorld();
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.startAs("C-1002", "Marcus Lee");
  await chat.sendMessage("There's an $85 international roaming charge on my bill. I never turned that on, please remove it.");
  await chat.lastReplyWhenDone();
  const runId = await chat.lastRunId();
  const [item] = await dbQuery<{ id: string }>(`SELECT id FROM review_items WHERE "runId" = $1`, [runId]);
  const seeded = [
    await insertPendingReview({ customerId: "C-1003", summary: "Credit of $80.00 for a duplicate charge exceeds the $50 auto-credit limit", minutesAgo: 320 }),
    await insertPendingReview({ customerId: "C-1007", summary: "Credit of $60.00 exceeds the $50 auto-credit limit", minutesAgo: 12 }),
  ];
  try {
    const context = await browser.newContext();
    const reviewer = await context.newPage();
    await new SignInPage(reviewer).signInAs("reviewer", "/reviews");
    const queue = new ReviewQueuePage(reviewer);
    for (const scheme of ["light", "dark"] as const) {
      await reviewer.emulateMedia({ colorScheme: scheme });
      for (const [name, size] of Object.entries(SIZES)) {
        await reviewer.setViewportSize(size);
        await queue.goto();
        await expect(queue.item(item.id)).toBeVisible();
        await reviewer.screenshot({ path: `test-results/screens/review-queue-${name}-${scheme}.png`, fullPage: true });
        await reviewer.goto(`/reviews/${item.id}`);
        await expect(reviewer.getByTestId("review-timeline")).toBeVisible();
        if (scheme === "light" && name === "desktop") await reviewer.getByTestId("review-claim").click();
        await expect(reviewer.getByTestId("review-claim-panel")).toHaveAttribute("data-claimed", "mine");
        await reviewer.screenshot({ path: `test-results/screens/review-item-${name}-${scheme}.png`, fullPage: true });
        if (scheme === "light" && name === "desktop") {
          await reviewer.screenshot({ path: "docs/review-item.png" });
          await queue.goto();
          await reviewer.screenshot({ path: "docs/review-queue.png" });
        }
      }
    }
    await context.close();
  } finally {
    for (const s of seeded) await deleteSeededReview(s);
  }
});

test("a failed part's review item shows what its tool calls already did: desktop and phone, light and dark", async ({ page }) => {
  test.setTimeout(90_000);
  const statement = "I found a fault on your line and fixed it with a remote reset; it now tests at 291 Mbps.";
  const seeded = await insertPendingReview({
    customerId: "C-1001",
    kind: "worker_failure",
    summary: "Technical support worker failed twice: attempt 2: model provider unavailable (after remote_reset took effect)",
    context: {
      task: { id: "t1", worker: "tech_support", instruction: "Diagnose the slow connection and fix it if possible" },
      errors: ["attempt 1: model provider unavailable", "attempt 2: model provider unavailable"],
      toolCalls: [],
      applied: [{ tool: "remote_reset", idempotencyKey: "run:t1:remote_reset", args: {}, result: { status: "fixed" }, statement }],
    },
  });
  try {
    await new SignInPage(page).signInAs("reviewer", "/reviews");
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, size] of Object.entries(SIZES)) {
        await page.setViewportSize(size);
        await page.goto(`/reviews/${seeded.reviewId}`);
        const applied = page.getByTestId("review-applied-effects");
        await expect(applied).toContainText("Already done before the failure");
        await expect(applied).toContainText(statement);
        await expect(page.getByTestId("review-worker-errors")).toContainText("attempt 2: model provider unavailable");
        await page.screenshot({ path: `test-results/screens/review-failure-${name}-${scheme}.png`, fullPage: true });
      }
    }
  } finally {
    await deleteSeededReview(seeded);
  }
});

