import type { Locator, Page } from "@playwright/test";

/** The audit trail: the run list (/audit) and a run's page (/audit/runs/:id). */
export class AuditPage {
  readonly search: Locator;
  readonly apply: Locator;
  readonly rows: Locator;
  readonly exportCsv: Locator;
  readonly exportJson: Locator;
  readonly chainStatus: Locator;
  readonly timelineEvents: Locator;
  readonly invocations: Locator;
  readonly traceLink: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByTestId("audit-search");
    this.apply = page.getByTestId("audit-apply");
    this.rows = page.getByTestId("audit-run-row");
    this.exportCsv = page.getByTestId("audit-export-csv");
    this.exportJson = page.getByTestId("audit-export-json");
    this.chainStatus = page.getByTestId("chain-status");
    this.timelineEvents = page.getByTestId("run-timeline-event");
    this.invocations = page.getByTestId("run-invocation");
    this.traceLink = page.getByTestId("run-trace-link");
  }

  async goto(query = "") {
    await this.page.goto(`/audit${query}`);
  }

  async searchFor(text: string) {
    await this.search.fill(text);
    await this.apply.click();
    await this.page.waitForURL(/[?&]q=/);
  }

  async openRun(runId: string) {
    await this.page.locator(`[data-run-id="${runId}"]`).getByTestId("audit-run-link").click();
    await this.page.waitForURL(`**/audit/runs/${runId}`);
  }
}
