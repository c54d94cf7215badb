import type { Locator, Page } from "@playwright/test";

/** The /settings page: the form, the review panel (diff, test, reason, save) and the history. */
export class SettingsPage {
  readonly heading: Locator;
  readonly version: Locator;
  readonly diff: Locator;
  readonly errorCount: Locator;
  readonly reason: Locator;
  readonly reasonError: Locator;
  readonly save: Locator;
  readonly notice: Locator;
  readonly trialStart: Locator;
  readonly trialProgress: Locator;
  readonly trialResult: Locator;
  readonly trialChanged: Locator;
  readonly history: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Settings", level: 1 });
    this.version = page.getByTestId("settings-version");
    this.diff = page.getByTestId("settings-diff");
    this.errorCount = page.getByTestId("settings-error-count");
    this.reason = page.getByTestId("settings-reason");
    this.reasonError = page.getByTestId("settings-reason-error");
    this.save = page.getByTestId("settings-save");
    this.notice = page.getByTestId("settings-notice");
    this.trialStart = page.getByTestId("trial-start");
    this.trialProgress = page.getByTestId("trial-progress");
    this.trialResult = page.getByTestId("trial-result");
    this.trialChanged = page.getByTestId("trial-changed");
    this.history = page.getByTestId("settings-history-entry");
  }

  async goto() {
    await this.page.goto("/settings");
  }

  /** A field by its dotted settings path, e.g. "policy.autoCreditLimitCents". */
  field(path: string): Locator {
    return this.page.getByTestId(`setting-${path.replace(/\./g, "-")}`);
  }

  metric(key: string): Locator {
    return this.page.getByTestId(`trial-metric-${key}`);
  }

  historyEntry(version: number): Locator {
    return this.page.locator(`[data-testid="settings-history-entry"][data-version="${version}"]`);
  }

  /** Opens the rollback form of a version: its preview of what would change. */
  async openRollback(version: number): Promise<Locator> {
    const entry = this.historyEntry(version);
    await entry.getByTestId("settings-rollback-open").click();
    return entry.getByTestId("settings-rollback-diff");
  }

  async rollbackTo(version: number, reason: string) {
    const entry = this.historyEntry(version);
    if (!(await entry.getByTestId("settings-rollback-form").isVisible())) await entry.getByTestId("settings-rollback-open").click();
    await entry.getByTestId("settings-rollback-reason").fill(reason);
    await entry.getByTestId("settings-rollback-confirm").click();
  }
}
