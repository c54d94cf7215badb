import { expect, type FrameLocator, type Locator, type Page } from "@playwright/test";

/** A host site's page with the Switchboard widget (e2e/fixtures/host.html). */
export class HostPage {
  readonly launcher: Locator;
  readonly panel: Locator;
  readonly closeButton: Locator;
  readonly iframe: Locator;
  readonly chat: FrameLocator;
  readonly notice: Locator;

  constructor(readonly page: Page) {
    // Inside the widget's open shadow root: Playwright's locators pierce it.
    this.launcher = page.locator("[data-switchboard-widget] button.launcher");
    this.panel = page.getByRole("dialog", { name: "Support" });
    this.closeButton = this.panel.getByRole("button", { name: "Close chat" });
    this.iframe = page.locator('iframe[title="Support chat"]');
    this.chat = page.frameLocator('iframe[title="Support chat"]');
    this.notice = this.panel.getByRole("alert");
  }

  async goto(url: string) {
    await this.page.goto(url);
    await expect(this.launcher).toBeVisible();
  }

  get input() {
    return this.chat.getByTestId("widget-input");
  }

  get status() {
    return this.chat.getByTestId("widget-status");
  }

  async open() {
    await this.launcher.click();
    await expect(this.launcher).toHaveAttribute("aria-expanded", "true");
  }

  /** Sends a message and waits for the finished reply. */
  async ask(message: string, timeout = 60_000): Promise<Locator> {
    // The conversation may already hold earlier replies (shown once the chat is ready): wait for this message's own.
    await expect(this.input).toBeEditable({ timeout });
    const replies = this.chat.getByTestId("widget-reply");
    const before = await replies.count();
    await this.input.fill(message);
    await this.chat.getByTestId("widget-send").click();
    await expect(replies).toHaveCount(before + 1, { timeout });
    const reply = replies.last();
    await expect(reply).toHaveAttribute("aria-busy", "false", { timeout });
    return reply;
  }
}
