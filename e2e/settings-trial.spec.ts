import { expect, test } from "@playwright/test";
import { databaseFingerprint } from "../test/fingerprint";
import { ChatPage } from "./pages/chat-page";
import { SettingsPage } from "./pages/settings-page";
import { SignInPage } from "./pages/sign-in-page";
import { expectNoAxeViolations, SIZES } from "./support/a11y";
import { dbQuery } from "./support/db";
import { e2eDatabaseUrl } from "./support/env";
import { evalSummary } from "./support/eval";

// "Test this change" once overwrote the live data on the embedded database (a scratch
// database made on the embedded server is the live one). This journey is tagged
// @embedded: CI runs it on the embedded database, the `npm start` path with no
// DATABASE_URL, as well as on PostgreSQL.

const LATE_FEE = "Why is there a late fee on my November bill? I paid October on the due date.";
// The figures the trial shows for each column, and the eval's summary fields they are.
const FIGURES = ["cases", "routingExactMatch", "workerPrecision", "workerRecall", "outOfScopeRecall", "outcomeAccuracy", "unsafeActions"] as const;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

test("Test this change runs on a scratch world of its own: the live runs, reviews, audit, settings and world stay byte for byte, and the numbers are npm run eval's", { tag: "@embedded" }, async ({ page, browser }) => {
  test.setTimeout(600_000);

  // A customer's conversation, as there would be in a live app before anyone tests a change.
  const chat = new ChatPage(page);
  await chat.goto();
  await chat.startAs("C-1001", "Dana Reyes");
  // Its own conversation: another journey on this database may have left one with C-1001.
  await chat.newConversation();
  await chat.sendMessage(LATE_FEE);
  await chat.lastReplyWhenDone();
  const runId = await chat.lastRunId();

  const context = await browser.newContext();
  const admin = await context.newPage();
  await new SignInPage(admin).signInAs("admin", "/settings");
  const settings = new SettingsPage(admin);
  await expect(settings.heading).toBeVisible();
  const [{ v: versionBefore }] = await dbQuery<{ v: number }>(`SELECT max(version) AS v FROM settings_versions`);
  await expect(settings.version).toContainText(String(versionBefore));

  // The live usage check (a periodic job, every 10 s) may still raise an alert from this
  // or an earlier live run: wait until its cursor has passed every finished live worker
  // attempt, so an alert after this point could only come from the trial.
  await expect.poll(async () => {
    const [row] = await dbQuery<{ caughtUp: boolean }>(
      `SELECT coalesce((SELECT (payload->>'since')::timestamptz FROM jobs WHERE key = 'every:usage_anomalies'), '-infinity')
                >= coalesce((SELECT max("finishedAt") FROM worker_invocations WHERE status <> 'running' AND NOT "cacheHit"), '-infinity') AS "caughtUp"`,
    );
    return row.caughtUp;
  }, { timeout: 60_000 }).toBe(true);

  // Everything the live database holds, but the trial's own row and the background jobs
  // (the trial's job, and the periodic chores every app process's runner takes turns at).
  const before = await databaseFingerprint(e2eDatabaseUrl(), { except: ["settings_trials", "jobs"] });
  expect(Number(before.runs.split(":")[0])).toBeGreaterThan(0);

  await settings.field("policy.autoCreditLimitCents").fill("20");
  await settings.trialStart.click();
  await expect(settings.trialProgress.or(settings.trialResult)).toBeVisible();

  // Meanwhile, `npm run eval` on the same file under the same two settings documents (the
  // version in force and the draft the page sent), as a user would run it.
  let trial: { basedOn: number; draft: unknown } | undefined;
  await expect.poll(async () => ([trial] = await dbQuery<{ basedOn: number; draft: unknown }>(`SELECT "basedOn", draft FROM settings_trials ORDER BY "createdAt" DESC LIMIT 1`)).length).toBe(1);
  expect(trial!.basedOn).toBe(versionBefore);
  const [{ settings: inForce }] = await dbQuery<{ settings: unknown }>(`SELECT settings FROM settings_versions WHERE version = $1`, [versionBefore]);
  const evals = Promise.all([evalSummary("eval/dev.jsonl", inForce), evalSummary("eval/dev.jsonl", trial!.draft)]);
  evals.catch(() => undefined); // awaited below; a failure is reported there

  await expect(settings.trialResult).toBeVisible({ timeout: 420_000 });
  await expect(settings.trialChanged).toContainText("credit $30 to review");

  // Nothing live changed: runs, review items, audit entries, settings versions, alerts, the world.
  expect(await databaseFingerprint(e2eDatabaseUrl(), { except: ["settings_trials", "jobs"] })).toEqual(before);
  const audit = await context.newPage();
  await audit.goto(`/audit/runs/${runId}`);
  await expect(audit.getByTestId("run-input")).toContainText("late fee");
  await audit.close();

  // The trial's numbers are exactly what `npm run eval` printed for the same file and settings.
  const [done] = await dbQuery<{ files: string[]; status: string; result: Record<"current" | "draft", Record<string, number>> }>(
    `SELECT files, status, result FROM settings_trials ORDER BY "createdAt" DESC LIMIT 1`,
  );
  expect(done).toMatchObject({ files: ["dev.jsonl"], status: "done" });
  const [current, draft] = await evals;
  for (const [column, summary] of [["current", current], ["draft", draft]] as const) {
    for (const f of FIGURES) expect({ column, figure: f, value: done.result[column][f] }).toEqual({ column, figure: f, value: summary[f] });
  }

  // What the page showed is those numbers; then it is looked at, and checked with axe, at both widths in both schemes.
  await expect(settings.metric("routingExactMatch").locator("td").nth(0)).toHaveText(pct(current.routingExactMatch));
  await expect(settings.metric("outcomeAccuracy").locator("td").nth(1)).toHaveText(pct(draft.outcomeAccuracy));
  for (const scheme of ["light", "dark"] as const) {
    await admin.emulateMedia({ colorScheme: scheme });
    for (const [name, size] of Object.entries(SIZES)) {
      await admin.setViewportSize(size);
      // Nothing wider than the screen (a phone must not scroll sideways).
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await admin.evaluate(() => window.scrollTo(0, 0));
      await expectNoAxeViolations(admin, `${name} ${scheme}`);
      await admin.screenshot({ path: `test-results/screens/settings-trial-${name}-${scheme}.png`, fullPage: true });
    }
  }
  await admin.emulateMedia({ colorScheme: "light" });
  await admin.setViewportSize(SIZES.desktop);

  // The next real save is not refused as stale, and it is the version after the one before the trial.
  await settings.reason.fill("Fewer automatic credits while the late-fee rule is audited");
  await settings.save.click();
  await expect(settings.notice).toContainText(`Saved as version ${versionBefore + 1}`);
  await settings.rollbackTo(versionBefore, "Back to the usual limit");
  await expect(settings.version).toContainText(String(versionBefore + 2));
  await context.close();
});
