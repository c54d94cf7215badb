import { expect, type Locator, type Page } from "@playwright/test";

export class ReviewQueuePage {
  readonly heading: Locator;
  readonly empty: Locator;
  readonly items: Locator;
  readonly forbidden: Locator;
  readonly navCount: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "Review queue" });
    this.empty = page.getByTestId("review-queue-empty");
    this.items = page.getByTestId("review-item");
    this.forbidden = page.getByTestId("forbidden");
    this.navCount = page.getByTestId("nav-pending-count");
  }

  async goto(query = "") {
    await this.page.goto(`/reviews${query}`);
  }

  item(reviewId: string): Locator {
    return this.page.locator(`[data-testid="review-item"][data-review-id="${reviewId}"]`);
  }

  /** Opens the item's own page from the queue. */
  async open(reviewId: string): Promise<ReviewItemPage> {
    await this.item(reviewId).getByRole("link").click();
    const detail = new ReviewItemPage(this.page);
    await expect(detail.root).toHaveAttribute("data-review-id", reviewId);
    return detail;
  }

  /** The whole decision as a reviewer makes it: open the item, claim it, decide. */
  async decide(reviewId: string, decision: "approve" | "reject", note?: string) {
    await this.page.goto(`/reviews/${reviewId}`);
    const detail = new ReviewItemPage(this.page);
    await detail.claim();
    await detail.decide(decision, note);
    await expect(detail.decided).toBeVisible();
  }
}

export class ReviewItemPage {
  readonly root: Locator;
  readonly claimButton: Locator;
  readonly releaseButton: Locator;
  readonly claimStatus: Locator;
  readonly decisionForm: Locator;
  readonly decided: Locator;
  readonly readOnly: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("review-detail");
    this.claimButton = page.getByTestId("review-claim");
    this.releaseButton = page.getByTestId("review-release");
    this.claimStatus = page.getByTestId("review-claim-status");
    this.decisionForm = page.getByTestId("review-decision-form");
    this.decided = page.getByTestId("review-decided");
    this.readOnly = page.getByTestId("review-read-only");
    this.error = page.getByTestId("review-decision-error");
  }

  async goto(reviewId: string) {
    await this.page.goto(`/reviews/${reviewId}`);
  }

  async claim() {
    await this.claimButton.click();
    await expect(this.page.getByTestId("review-claim-panel")).toHaveAttribute("data-claimed", "mine");
  }

  async decide(decision: "approve" | "reject" | "send", note?: string) {
    if (note) await this.page.getByTestId("review-note").fill(note);
    await this.page.getByTestId(`review-${decision}`).click();
  }
}
