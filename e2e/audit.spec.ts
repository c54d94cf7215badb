import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { AuditPage } from "./pages/audit-page";
import { SignInPage } from "./pages/sign-in-page";
import { dbQuery } from "./support/db";
import { OTLP_URL, SAME_ORIGIN } from "./support/env";
import { customerToken } from "./support/tokens";
import { resetE2eWorld } from "./support/world";

const THREE_PARTS = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";

/** Starts the three-part run for C-1001 through the public API and waits until it settles. */
async function threePartRun(request: import("@playwright/test").APIRequestContext): Promise<string> {
  const res = await request.post("/api/runs", {
    headers: { ...SAME_ORIGIN, authorization: `Bearer ${await customerToken({ customerId: "C-1001" })}` },
    data: { message: THREE_PARTS },
  });
  expect(res.status()).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  await expect
    .poll(async () => (await dbQuery<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [runId]))[0]?.status, { timeout: 60_000 })
    .toMatch(/completed|awaiting_review|failed/);
  return runId;
}

test.describe("audit trail", () => {
  // Other journeys credit C-1001's late fee and change its plan: start from the seeded world.
  test.beforeAll(resetE2eWorld);

  test("an auditor finds the C-1001 three-part run, sees every step of the chain, and exports it", async ({ page, request }) => {
    const runId = await threePartRun(request);
    await new SignInPage(page).signInAs("auditor");
    const audit = new AuditPage(page);
    await audit.goto();
    await audit.searchFor("C-1001");
    await expect(audit.rows.first()).toBeVisible();
    await audit.openRun(runId);

    // The chain of this run verifies, and every step is there: input, plan, three workers with tool calls, reply.
    await expect(audit.chainStatus).toHaveAttribute("data-ok", "true");
    await expect(page.getByTestId("run-input")).toContainText("late fee");
    await expect(audit.invocations).toHaveCount(3);
    for (const w of ["billing", "tech_support", "account"]) {
      await expect(page.locator(`[data-testid="run-invocation"][data-worker="${w}"]`).getByTestId("run-tool-calls")).toBeVisible();
    }
    for (const type of ["run_started", "plan", "worker_started", "tool_call", "tool_result", "worker_finished", "run_finished"]) {
      await expect(page.locator(`[data-testid="run-timeline-event"][data-event-type="${type}"]`).first()).toBeVisible();
    }
    await expect(page.getByTestId("run-reply")).not.toContainText("No reply yet");

    // The run's trace: its id on the page, and a link to the trace viewer, where the run's spans arrived.
    const [{ traceId }] = await dbQuery<{ traceId: string | null }>(`SELECT "traceId" FROM runs WHERE id = $1`, [runId]);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await expect(page.getByTestId("run-trace-id")).toHaveText(traceId!);
    await expect(audit.traceLink).toHaveAttribute("href", `${OTLP_URL}/trace/${traceId}`);
    await expect.poll(async () => (await request.get(`${OTLP_URL}/trace/${traceId}`)).text(), { timeout: 15_000 }).toContain(`switchboard.run <code>${runId}</code>`);
    const [viewer] = await Promise.all([page.context().waitForEvent("page"), audit.traceLink.click()]);
    await expect(viewer.locator('[data-span="switchboard.worker"]')).toHaveCount(3);
    await viewer.close();

    // Export JSON: the download is the whole run, and the export is on the run's audit trail.
    const download = page.waitForEvent("download");
    await audit.exportJson.click();
    const file = await download;
    const doc = JSON.parse(fs.readFileSync((await file.path())!, "utf8"));
    expect(doc.run.id).toBe(runId);
    expect(doc.run.invocations).toHaveLength(3);
    expect(doc.audit.verification.ok).toBe(true);
    const exports = await dbQuery<{ actor: string }>(`SELECT actor FROM audit_log WHERE kind = 'export' AND "runId" = $1`, [runId]);
    expect(exports.map((e) => e.actor)).toContain("auditor@switchboard.local");
  });

  test("the filtered list exports as CSV, recorded on the audit log", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor");
    const audit = new AuditPage(page);
    await audit.goto("?q=C-1001&worker=billing");
    await expect(audit.exportCsv).toHaveAttribute("href", /q=C-1001/);
    const before = Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE kind = 'export' AND subject = 'runs:csv'`))[0].n);
    const res = await page.request.get((await audit.exportCsv.getAttribute("href"))!);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/csv");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^run_id,created_at,customer_id/);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes(",C-1001,"))).toBe(true);
    const after = Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE kind = 'export' AND subject = 'runs:csv'`))[0].n);
    expect(after).toBe(before + 1);
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const [label, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
      test(`screenshots: audit list and run page, ${label}, ${scheme}`, async ({ page }) => {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height });
        await new SignInPage(page).signInAs("auditor");
        const audit = new AuditPage(page);
        await audit.goto();
        await expect(audit.rows.first()).toBeVisible();
        await page.screenshot({ path: `test-results/screens/audit-list-${label}-${scheme}.png`, fullPage: false });
        const runId = await audit.rows.first().getAttribute("data-run-id");
        await page.goto(`/audit/runs/${runId}`);
        await expect(audit.chainStatus).toBeVisible();
        await page.screenshot({ path: `test-results/screens/audit-run-${label}-${scheme}.png`, fullPage: true });
      });
    }
  }
});
