import { expect, test, type Page } from "@playwright/test";
import { createDb } from "../lib/db/client";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";
import { SettingsPage } from "./pages/settings-page";
import { SignInPage } from "./pages/sign-in-page";
import { TopNav } from "./pages/top-nav";
import { STAFF } from "./support/accounts";
import { dbQuery } from "./support/db";
import { e2eDatabaseUrl } from "./support/env";
import { customerToken } from "./support/tokens";

const LATE_FEE = "Why is there a late fee on my November bill? I paid October on the due date.";

async function currentVersion(): Promise<number> {
  const [row] = await dbQuery<{ v: number | null }>(`SELECT max(version) AS v FROM settings_versions`);
  return row.v ?? 0;
}

/** Starts C-1001's late-fee question through the run API and waits for the run to settle. */
async function askLateFee(page: Page) {
  const res = await page.request.post("/api/runs", {
    headers: { authorization: `Bearer ${await customerToken({ customerId: "C-1001" })}` },
    data: { message: LATE_FEE },
  });
  expect(res.status()).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  let run: { status: string; settingsVersion: number | null } | undefined;
  await expect
    .poll(async () => {
      [run] = await dbQuery<{ status: string; settingsVersion: number | null }>(`SELECT status, "settingsVersion" FROM runs WHERE id = $1`, [runId]);
      return run?.status;
    }, { timeout: 60_000 })
    .toMatch(/^(completed|awaiting_review|failed)$/);
  const credits = await dbQuery<{ amountCents: number }>(`SELECT "amountCents" FROM credits WHERE "runId" = $1`, [runId]);
  const reviews = await dbQuery<{ kind: string; status: string }>(`SELECT kind, status FROM review_items WHERE "runId" = $1`, [runId]);
  return { status: run!.status, settingsVersion: run!.settingsVersion, credits: credits.map((c) => c.amountCents), reviews: reviews.map((r) => `${r.kind}:${r.status}`) };
}

test.describe("settings", () => {
  test.beforeAll(async () => {
    // C-1001's late fee must be uncredited for this journey, whatever ran before it.
    const db = createDb(e2eDatabaseUrl(), 2);
    try {
      await resetWorld(db, loadWorld());
    } finally {
      await db.$disconnect();
    }
  });

  test("an admin lowers the auto-credit limit after testing it, C-1001's credit then waits for a person, and a rollback restores it", async ({ page }) => {
    test.setTimeout(240_000);
    await new SignInPage(page).signInAs("admin", "/settings");
    const settings = new SettingsPage(page);
    await expect(settings.heading).toBeVisible();
    await expect(new TopNav(page).link("settings")).toHaveAttribute("aria-current", "page");
    const before = await currentVersion();
    await expect(settings.version).toContainText(String(before));

    // Bad input: an inline message, and no way to save.
    await settings.field("policy.autoCreditLimitCents").fill("-5");
    await expect(page.getByText("Auto-credit limit must be at least $0")).toBeVisible();
    await settings.field("workers.billing.confidenceThreshold").fill("1.5");
    await expect(page.getByText("Confidence threshold must be between 0 and 1")).toBeVisible();
    await expect(settings.errorCount).toHaveText("2 fields need fixing before this can be saved.");
    await expect(settings.save).toBeDisabled();
    await settings.field("workers.billing.confidenceThreshold").fill("0.7");

    // The change, its diff, and its test on a scratch world.
    await settings.field("policy.autoCreditLimitCents").fill("20");
    await expect(settings.diff.getByTestId("settings-change")).toHaveCount(1);
    await expect(settings.diff).toContainText("Auto-credit limit");
    await expect(settings.diff).toContainText("$50");
    await expect(settings.diff).toContainText("$20");
    await settings.trialStart.click();
    await expect(settings.trialProgress.or(settings.trialResult)).toBeVisible();
    await expect(settings.trialResult).toBeVisible({ timeout: 180_000 });
    // dev.jsonl's late-fee cases expect an automatic $30 credit: under $20 they escalate instead.
    await expect(settings.metric("outcomeAccuracy").getByTestId("trial-delta")).toContainText("−");
    await expect(settings.metric("escalationRate").getByTestId("trial-delta")).toContainText("+");
    await expect(settings.metric("unsafeActions").getByTestId("trial-delta")).toHaveText("—");
    await expect(settings.trialChanged).toContainText("credit $30 to review");
    await page.screenshot({ path: "test-results/screens/settings-trial-desktop-light.png", fullPage: true });

    // A reason is required.
    await settings.save.click();
    await expect(settings.reasonError).toContainText("Say why");
    await settings.reason.fill("Fewer automatic credits while we audit the late-fee rule");
    await settings.save.click();
    await expect(settings.notice).toContainText(`Saved as version ${before + 1}`);
    await expect(settings.version).toContainText(String(before + 1));
    await expect(settings.historyEntry(before + 1)).toContainText("Fewer automatic credits while we audit the late-fee rule");
    await expect(settings.historyEntry(before + 1).getByTestId("settings-history-author")).toHaveText(STAFF.admin.name);

    // C-1001's $30 late-fee credit now waits for a person.
    expect(await askLateFee(page)).toEqual({ status: "awaiting_review", settingsVersion: before + 1, credits: [], reviews: ["credit_over_limit:pending"] });

    // Roll back to the version before (its preview shows what changes); the next run credits automatically again.
    const preview = await settings.openRollback(before);
    await expect(preview).toContainText("Auto-credit limit");
    await expect(preview.getByTestId("settings-change")).toHaveCount(1);
    await expect(preview).toContainText("$50");
    await settings.rollbackTo(before, "Audit finished: back to the usual limit");
    await expect(settings.version).toContainText(String(before + 2));
    await expect(settings.historyEntry(before + 2).getByTestId("settings-history-restored")).toHaveText(`restores v${before}`);
    await expect(settings.field("policy.autoCreditLimitCents")).toHaveValue("50");
    const after = await askLateFee(page);
    expect(after).toMatchObject({ status: "completed", settingsVersion: before + 2, credits: [3_000] });

    // Both changes are on the audit trail with the admin's name.
    const audit = await dbQuery<{ kind: string; actor: string; by: string; reason: string }>(
      `SELECT kind, actor, payload->>'by' AS by, payload->>'reason' AS reason FROM audit_log WHERE subject IN ($1, $2) ORDER BY seq`,
      [`settings:v${before + 1}`, `settings:v${before + 2}`],
    );
    expect(audit).toEqual([
      { kind: "settings_changed", actor: STAFF.admin.email, by: STAFF.admin.name, reason: "Fewer automatic credits while we audit the late-fee rule" },
      { kind: "settings_rolled_back", actor: STAFF.admin.email, by: STAFF.admin.name, reason: "Audit finished: back to the usual limit" },
    ]);
  });

  test("a reviewer is refused the settings page and has no link to it", async ({ page }) => {
    await new SignInPage(page).signInAs("reviewer", "/settings");
    await expect(page.getByTestId("forbidden")).toContainText("You do not have access to the settings");
    await expect(new TopNav(page).link("settings")).toHaveCount(0);
    await expect(page.getByTestId("settings-editor")).toHaveCount(0);
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const [label, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
      test(`screenshots: /settings with a change and an error, ${label}, ${scheme}`, async ({ page }) => {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height });
        await new SignInPage(page).signInAs("admin", "/settings");
        const settings = new SettingsPage(page);
        await settings.field("policy.autoCreditLimitCents").fill("20");
        await expect(settings.diff).toContainText("$20");
        await page.screenshot({ path: `test-results/screens/settings-diff-${label}-${scheme}.png`, fullPage: true });
        await settings.field("workers.billing.timeoutMs").fill("0");
        await expect(page.getByText("Timeout must be at least 1000 ms")).toBeVisible();
        await page.getByText("Timeout must be at least 1000 ms").evaluate((el) => el.scrollIntoView({ block: "center" }));
        await page.screenshot({ path: `test-results/screens/settings-error-${label}-${scheme}.png`, fullPage: false });
      });
    }
  }
});
