import type { Locator, Page } from "@playwright/test";

export class ReviewQueuePage {
  readonly heading: Locator;
  readonly empty: Locator;
  readonly items: Locator;
  readonly forbidden: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "Review queue" });
    this.empty = page.getByTestId("review-queue-empty");
    this.items = page.getByTestId("review-item");
    this.forbidden = page.getByTestId("forbidden");
  }

  async goto() {
    await this.page.goto("/reviews");
  }

  item(reviewId: string): Locator {
    return this.page.locator(`[data-testid="review-item"][data-review-id="${reviewId}"]`);
  }

  async decide(reviewId: string, decision: "approve" | "reject", note?: string) {
    const item = this.item(reviewId);
    if (note) await item.getByTestId("review-note").fill(note);
    await item.getByTestId(decision === "approve" ? "review-approve" : "review-reject").click();
  }
}
