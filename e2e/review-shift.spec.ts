import { expect, test, type Browser, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { ReviewItemPage, ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { expectNoAxeViolations } from "./support/a11y";
import { dbQuery } from "./support/db";
import { SAME_ORIGIN } from "./support/env";
import { deleteSeededReview, insertPendingReview, readReview } from "./support/review-fixtures";
import { resetE2eWorld } from "./support/world";

// A reviewer's shift on the real engine: items arrive from customers' chats while the
// queue is open, are claimed, checked on their own page and decided; the customers hear
// of it in their open chats.

async function staffPage(browser: Browser, who: "reviewer" | "auditor" | "admin", path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await new SignInPage(page).signInAs(who, path);
  return page;
}

async function reviewOf(runId: string, kind: string): Promise<string> {
  await expect.poll(async () => (await dbQuery<{ id: string }>(`SELECT id FROM review_items WHERE "runId" = $1 AND kind = $2`, [runId, kind])).length).toBe(1);
  const [row] = await dbQuery<{ id: string }>(`SELECT id FROM review_items WHERE "runId" = $1 AND kind = $2`, [runId, kind]);
  return row.id;
}

test.describe("a review shift", () => {
  // C-1002's roaming charge and C-1005's plan must be as the fixture has them, whatever ran before.
  test.beforeAll(resetE2eWorld);
  // And left as found for the journeys after this one.
  test.afterAll(resetE2eWorld);

  test("C-1002's $85 credit arrives live, is claimed and approved once; C-1005's $160 downgrade is rejected with a note", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const reviewer = await staffPage(browser, "reviewer", "/reviews");
    const queue = new ReviewQueuePage(reviewer);
    await expect(queue.heading).toBeVisible();
    await expect(queue.navCount).toHaveText("0");
    const creditsBefore = Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM credits WHERE "customerId" = 'C-1002' AND source = 'approved'`))[0].n);

    // The customer asks; the reviewer's open queue and nav count pick it up without a reload.
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1002", "Marcus Lee");
    await chat.sendMessage("There's an $85 international roaming charge on my bill. I never turned that on, please remove it.");
    await expect(await chat.lastReplyWhenDone()).toHaveAttribute("data-phase", "awaiting_review");
    const creditReview = await reviewOf(await chat.lastRunId(), "credit_over_limit");
    await expect(queue.item(creditReview)).toBeVisible({ timeout: 15_000 });
    await expect(queue.navCount).toHaveText("1");
    await expect(queue.item(creditReview)).toContainText("Credit $85.00");
    await expect(queue.item(creditReview)).toContainText("Billing");

    // The item's own page: the stored action, the facts and the rule with its numbers, the timeline.
    const detail = await queue.open(creditReview);
    await expect(reviewer).toHaveURL(new RegExp(`/reviews/${creditReview}$`));
    await expect(reviewer.getByTestId("review-message")).toContainText("$85 international roaming charge");
    await expect(reviewer.getByTestId("review-proposed-tool")).toHaveText("issue_credit");
    expect(JSON.parse(await reviewer.getByTestId("review-proposed-json").innerText())).toMatchObject({ type: "credit", amountCents: 8500 });
    await expect(reviewer.getByTestId("review-policy-numbers")).toContainText("$85.00");
    await expect(reviewer.getByTestId("review-policy-numbers")).toContainText("$50.00");
    await expect(reviewer.getByTestId("fact-contract-end")).toHaveText(/\d{4}-\d{2}-\d{2}/);
    await expect(reviewer.getByTestId("fact-balance")).toHaveText(/\$/);
    await expect(reviewer.getByTestId("run-timeline-event").first()).toBeVisible();
    await expect(reviewer.locator('[data-testid="run-timeline-event"][data-event-type="review_requested"]')).toHaveCount(1);

    // No decision before a claim; after it, approve.
    await expect(detail.decisionForm).toHaveCount(0);
    await detail.claim();
    await detail.decide("approve", "Roaming pass never activated (internal)");
    await expect(detail.decided).toContainText("Approved by reviewer@switchboard.local");
    expect(Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM credits WHERE "customerId" = 'C-1002' AND source = 'approved'`))[0].n)).toBe(creditsBefore + 1);
    await expect(chat.followUps).toHaveCount(1, { timeout: 15_000 });
    await expect(chat.followUps.first()).toContainText("approved the $85.00 credit");
    await expect(chat.page.getByTestId("chat-messages")).not.toContainText("internal");

    // The downgrade with a fee: rejected, and a rejection needs a note.
    const chat2 = new ChatPage(await (await browser.newContext()).newPage());
    await chat2.goto();
    await chat2.startAs("C-1005", "Aisha Karim");
    await chat2.sendMessage("I want to downgrade to the Fiber 100 plan, money is tight right now.");
    await chat2.lastReplyWhenDone();
    const downgrade = await reviewOf(await chat2.lastRunId(), "downgrade_fee");
    const planBefore = (await dbQuery<{ planId: string }>(`SELECT "planId" FROM customers WHERE id = 'C-1005'`))[0].planId;
    await queue.goto();
    await expect(queue.item(downgrade)).toContainText("$160.00");
    const second = await queue.open(downgrade);
    await expect(reviewer.getByTestId("fact-fee")).toContainText("$160.00");
    await second.claim();
    await second.decide("reject");
    await expect(second.error).toContainText("note is required");
    await second.decide("reject", "Fee waiver is not ours to grant; offered a call back");
    await expect(second.decided).toContainText("Rejected by reviewer@switchboard.local");
    expect((await dbQuery<{ planId: string }>(`SELECT "planId" FROM customers WHERE id = 'C-1005'`))[0].planId).toBe(planBefore);
    await expect(chat2.followUps.last()).toContainText("not approved, so your plan stays as it is", { timeout: 15_000 });
    expect(await readReview(downgrade)).toEqual({ status: "rejected", decidedBy: "reviewer@switchboard.local", note: "Fee waiver is not ours to grant; offered a call back" });
    await reviewer.context().close();
  });

  test("C-1005 takes back a downgrade while the reviewer holds it: the item closes as withdrawn, with the customer's words, and nothing changes", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const planBefore = (await dbQuery<{ planId: string }>(`SELECT "planId" FROM customers WHERE id = 'C-1005'`))[0].planId;
    const planChanges = () => dbQuery(`SELECT 1 FROM plan_changes WHERE "customerId" = 'C-1005'`).then((r) => r.length);
    const changesBefore = await planChanges();
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1005", "Aisha Karim");
    await chat.sendMessage("Please move me down to Fiber 100.");
    await expect(await chat.lastReplyWhenDone()).toHaveAttribute("data-phase", "awaiting_review");
    const downgrade = await reviewOf(await chat.lastRunId(), "downgrade_fee");

    // The reviewer has it open and claimed when the customer changes their mind.
    const reviewer = await staffPage(browser, "reviewer", `/reviews/${downgrade}`);
    const item = new ReviewItemPage(reviewer);
    await item.claim();
    await chat.sendMessage("actually forget it, I'll keep my plan");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("I've withdrawn your request to move to Fiber 100, so a specialist won't act on it and your plan stays as it is.");
    expect(await readReview(downgrade)).toMatchObject({ status: "withdrawn", decidedBy: "customer", note: "actually forget it, I'll keep my plan" });

    // The reviewer's open page follows without a reload: nothing left to decide, and why.
    await expect(item.decided).toContainText("Withdrawn by the customer", { timeout: 15_000 });
    await expect(item.decisionForm).toHaveCount(0);
    // A decision sent anyway (a page that had not refreshed yet) changes nothing and says why.
    const late = await reviewer.request.post(`/api/reviews/${downgrade}/decision`, { headers: SAME_ORIGIN, data: { decision: "approve" } });
    expect(late.status()).toBe(409);
    expect((await late.json()).error).toMatchObject({ message: "The customer withdrew this request, so there is nothing left to decide.", details: { reason: "withdrawn" } });
    await expect(reviewer.getByTestId("review-withdrawn-words")).toHaveText("actually forget it, I'll keep my plan");
    await expect(reviewer.locator('[data-testid="run-timeline-event"][data-event-type="review_decided"]')).toContainText("Review withdrawn by the customer");
    await expectNoAxeViolations(reviewer, "withdrawn review item");
    expect((await dbQuery<{ planId: string }>(`SELECT "planId" FROM customers WHERE id = 'C-1005'`))[0].planId).toBe(planBefore);
    expect(await planChanges()).toBe(changesBefore);
    // The queue no longer lists it.
    const queue = new ReviewQueuePage(reviewer);
    await queue.goto();
    await expect(queue.item(downgrade)).toHaveCount(0);
    await reviewer.context().close();
  });

  test("C-1003 asks for a person: the conversation arrives on the desk live, and the reviewer's answer reaches the open chat", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const reviewer = await staffPage(browser, "reviewer", "/reviews");
    const queue = new ReviewQueuePage(reviewer);
    await expect(queue.heading).toBeVisible();

    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1003", "Priya Natarajan");
    await chat.sendMessage("I want to talk to a real person");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("I've asked a person from our support team to take over, and they'll reply here in this chat.");
    await expect(reply).toContainText("we aim to answer within 15 minutes");
    expect(await dbQuery(`SELECT 1 FROM worker_invocations WHERE "runId" = $1`, [await chat.lastRunId()])).toHaveLength(0);
    const handoff = await reviewOf(await chat.lastRunId(), "handoff");

    // On the desk without a reload, as "Wants a person", answered in words only.
    await expect(queue.item(handoff)).toBeVisible({ timeout: 15_000 });
    await expect(queue.item(handoff)).toContainText("Wants a person");
    const item = await queue.open(handoff);
    await expect(reviewer.getByTestId("review-message")).toContainText("I want to talk to a real person");
    await item.claim();
    await expect(reviewer.getByTestId("review-reject")).toHaveCount(0);
    await expectNoAxeViolations(reviewer, "handoff item");
    await reviewer.getByTestId("review-reply").fill("Hi Priya, this is Riley from the support team. I'm looking at your line now.");
    await item.decide("send");
    await expect(item.decided).toContainText("Sent a written answer by reviewer@switchboard.local");
    await expect(chat.followUps.last()).toContainText("Hi Priya, this is Riley from the support team.", { timeout: 15_000 });
    await reviewer.context().close();
  });

  test("an overdue item is flagged and first; a claim keeps others out until an admin releases it", async ({ browser }) => {
    const overdue = await insertPendingReview({ customerId: "C-1002", summary: "Credit of $80.00 waiting since this morning", minutesAgo: 300 });
    const fresh = await insertPendingReview({ customerId: "C-1003", summary: "Credit of $60.00 just in", minutesAgo: 1 });
    try {
      const reviewer = await staffPage(browser, "reviewer", "/reviews");
      const queue = new ReviewQueuePage(reviewer);
      await expect(queue.items.first()).toHaveAttribute("data-review-id", overdue.reviewId);
      await expect(queue.item(overdue.reviewId).getByTestId("review-overdue")).toBeVisible();
      await expect(queue.item(fresh.reviewId).getByTestId("review-overdue")).toHaveCount(0);
      await queue.goto("?overdue=1");
      await expect(queue.item(fresh.reviewId)).toHaveCount(0);
      await expect(queue.item(overdue.reviewId)).toBeVisible();

      const mine = new ReviewItemPage(reviewer);
      await mine.goto(overdue.reviewId);
      await mine.claim();

      // The admin sees who holds it, cannot decide it, and releases it.
      const admin = await staffPage(browser, "admin", `/reviews/${overdue.reviewId}`);
      const theirs = new ReviewItemPage(admin);
      await expect(theirs.claimStatus).toContainText("Riley Reviewer holds this item");
      await expect(theirs.decisionForm).toHaveCount(0);
      const forged = await admin.request.post(`/api/reviews/${overdue.reviewId}/decision`, { headers: SAME_ORIGIN, data: { decision: "approve" } });
      expect(forged.status()).toBe(409);
      expect((await forged.json()).error.details).toMatchObject({ reason: "claimed_by_other", claimedBy: "Riley Reviewer" });
      await theirs.releaseButton.click();
      await expect(theirs.claimStatus).toContainText("Nobody holds this item");
      // The reviewer's open page follows: the claim is gone there too.
      await expect(mine.claimStatus).toContainText("Nobody holds this item", { timeout: 15_000 });
      expect(await readReview(overdue.reviewId)).toMatchObject({ status: "pending" });
      await admin.context().close();
      await reviewer.context().close();
    } finally {
      await deleteSeededReview(overdue);
      await deleteSeededReview(fresh);
    }
  });

  test("an auditor reads the item without decision controls, and a forged decision from the auditor is refused", async ({ browser }) => {
    const seeded = await insertPendingReview({ customerId: "C-1002", summary: "Credit of $80.00 for a duplicate charge" });
    try {
      const auditor = await staffPage(browser, "auditor", `/reviews/${seeded.reviewId}`);
      const detail = new ReviewItemPage(auditor);
      await expect(detail.root).toHaveAttribute("data-review-id", seeded.reviewId);
      await expect(auditor.getByTestId("review-message")).toBeVisible();
      await expect(detail.readOnly).toBeVisible();
      await expect(detail.claimButton).toHaveCount(0);
      await expect(auditor.getByTestId("review-approve")).toHaveCount(0);
      await expect(auditor.getByTestId("review-reject")).toHaveCount(0);
      for (const url of [`/api/reviews/${seeded.reviewId}/claim`, `/api/reviews/${seeded.reviewId}/decision`]) {
        const res = await auditor.request.post(url, { headers: SAME_ORIGIN, data: url.endsWith("claim") ? {} : { decision: "approve" } });
        expect(res.status(), url).toBe(403);
        expect((await res.json()).error.code).toBe("forbidden:review");
      }
      // The review pages cannot be framed by another origin (a clickjacked Approve).
      const headers = (await auditor.request.get(`/reviews/${seeded.reviewId}`)).headers();
      expect(headers["content-security-policy"]).toMatch(/frame-ancestors '(none|self)'/);
      expect(["DENY", "SAMEORIGIN"]).toContain(headers["x-frame-options"]);
      // Without a staff session (a customer's cookie, or none), nothing: not the page, not the API, not the live count.
      const anonymous = await browser.newContext();
      for (const [method, url] of [["post", `/api/reviews/${seeded.reviewId}/decision`], ["post", `/api/reviews/${seeded.reviewId}/claim`], ["get", "/api/reviews/events"]] as const) {
        const res = method === "post" ? await anonymous.request.post(url, { headers: SAME_ORIGIN, data: { decision: "approve" } }) : await anonymous.request.get(url);
        expect(res.status(), url).toBe(401);
      }
      const page = await anonymous.newPage();
      await page.goto(`/reviews/${seeded.reviewId}`);
      await expect(page).toHaveURL(/\/sign-in/);
      await anonymous.close();
      expect(await readReview(seeded.reviewId)).toEqual({ status: "pending", decidedBy: null, note: null });
      await auditor.context().close();
    } finally {
      await deleteSeededReview(seeded);
    }
  });

  test("a reviewer demoted in the database is refused at once, although the session cookie is still valid", async ({ browser }) => {
    const seeded = await insertPendingReview({ customerId: "C-1002", summary: "Credit of $80.00 for a duplicate charge" });
    const reviewer = await staffPage(browser, "reviewer", `/reviews/${seeded.reviewId}`);
    try {
      await new ReviewItemPage(reviewer).claim();
      await dbQuery(`UPDATE staff_users SET role = 'auditor' WHERE email = 'reviewer@switchboard.local'`);
      const res = await reviewer.request.post(`/api/reviews/${seeded.reviewId}/decision`, { headers: SAME_ORIGIN, data: { decision: "approve" } });
      expect(res.status()).toBe(403);
      // The same cookie still reads as a reviewer's session.
      expect((await (await reviewer.request.get("/api/auth/session")).json()).user.role).toBe("reviewer");
      // The console reads the role from the account, not the cookie: the page offers no decision any more.
      await reviewer.reload();
      await expect(reviewer.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(reviewer.getByTestId("review-approve")).toHaveCount(0);
      expect(await readReview(seeded.reviewId)).toEqual({ status: "pending", decidedBy: null, note: null });
    } finally {
      await dbQuery(`UPDATE staff_users SET role = 'reviewer' WHERE email = 'reviewer@switchboard.local'`);
      await reviewer.context().close();
      await deleteSeededReview(seeded);
    }
  });
});

test.describe("a person when the customer needs one, on the default database", () => {
  test.beforeAll(resetE2eWorld);

  // @embedded: the handoff writes (the desk's item, the decision, the follow-up), so it runs on the embedded database too, browser only.
  test("C-1006 asks for a person in the chat; a reviewer answers from the desk and the answer reaches the open chat", { tag: "@embedded" }, async ({ page, browser }) => {
    test.setTimeout(180_000);
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1006", "Jorge Alvarez");
    await chat.sendMessage("can I talk to someone from your team please");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("I've asked a person from our support team to take over, and they'll reply here in this chat.");
    const runId = await chat.lastRunId();

    const reviewer = await staffPage(browser, "reviewer", "/reviews?kind=handoff");
    const queue = new ReviewQueuePage(reviewer);
    const row = queue.items.filter({ hasText: "Wants a person" }).filter({ hasText: "C-1006" }).first();
    await expect(row).toBeVisible({ timeout: 15_000 });
    const item = await queue.open((await row.getAttribute("data-review-id"))!);
    await expect(reviewer.getByTestId("review-message")).toContainText("can I talk to someone from your team please");
    await expect(reviewer.getByTestId("review-timeline")).toContainText(runId.slice(0, 8));
    await item.claim();
    await reviewer.getByTestId("review-reply").fill("Hello Jorge, Riley here from the support team. What can I do for you?");
    await item.decide("send");
    await expect(item.decided).toContainText("Sent a written answer");
    await expect(chat.followUps.last()).toContainText("Riley here from the support team", { timeout: 20_000 });
    await reviewer.context().close();
  });
});
