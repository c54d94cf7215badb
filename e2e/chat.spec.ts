import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { countRuns, dbQuery } from "./support/db";
import { SAME_ORIGIN } from "./support/env";
import { customerToken } from "./support/tokens";
import { resetE2eWorld } from "./support/world";

// The article's example: three parts for three workers in one message.
const THREE_PARTS = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week. And what's your fastest plan?";

/** A screenshot kept with the test's results (and attached to its report). */
async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

test.describe("customer chat", () => {
  test("lists the 12 seeded customers; picking one starts a session as that customer", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    // The e2e server runs in demo mode (SWITCHBOARD_DEMO=1): the picker is there.
    await expect(page.getByTestId("host-session-required")).toHaveCount(0);
    await expect(chat.options).toHaveCount(12);
    await expect(chat.options.first()).toContainText("Dana Reyes");
    await expect(chat.options.first()).toContainText("C-1001");

    await chat.startAs("C-1001", "Dana Reyes");
    // Nothing to send yet: the button waits for text.
    await expect(chat.send).toBeDisabled();
    await chat.input.fill("hello");
    await expect(chat.send).toBeEnabled();

    // The token sits in an httpOnly cookie the page's scripts cannot read.
    const cookie = (await page.context().cookies()).find((c) => c.name === "sb_customer");
    expect(cookie?.httpOnly).toBe(true);
    expect(await page.evaluate(() => document.cookie)).not.toContain("sb_customer");

    const session = await page.request.get("/api/customer/session");
    expect(session.status()).toBe(200);
    expect(await session.json()).toMatchObject({ customerId: "C-1001" });
  });

  test("a forged or missing customer token gets a 401 with a reason", async ({ request }) => {
    const missing = await request.get("/api/customer/session");
    expect(missing.status()).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: "unauthorized:session", details: { reason: "customer_token_missing" } } });

    const forgedToken = await customerToken({ customerId: "C-1002", secret: "not-the-shared-secret-but-long-enough-000" });
    const forged = await request.get("/api/customer/session", { headers: { authorization: `Bearer ${forgedToken}` } });
    expect(forged.status()).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "unauthorized:session", details: { reason: "customer_token_bad_signature" } } });
  });
});

test.describe("chatting with the agents", () => {
  // Journeys before this one (audit, reviews, settings) leave conversations, credits and
  // plan changes behind: these assert a first conversation and an uncredited fee.
  test.beforeAll(resetE2eWorld);
  // Runs go through the real engine with the local model and its simulated latency.
  test.setTimeout(120_000);

  test("three parts: each worker's progress shows live, the reply covers all three, and exactly one $30 credit is made", async ({ page }, testInfo) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1001", "Dana Reyes");

    await chat.sendMessage(THREE_PARTS);
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.userMessages.first()).toContainText("$30 late fee");
    // While the run streams, the composer waits.
    await expect(chat.input).toBeDisabled();
    // The first run of a fresh server also warms the local model up: allow for it.
    await expect(chat.plan).toHaveAttribute("data-plan-kind", "delegate", { timeout: 30_000 });
    await expect(chat.workers).toHaveCount(3);
    // Live: workers are seen at work, with their tool calls, before the reply is done.
    await expect(chat.agentPanel.locator('[data-testid^="agent-worker-"][data-status="running"]').first()).toBeVisible();
    await expect(chat.agentPanel.getByTestId("agent-worker-progress").first()).toBeVisible();
    await expect(chat.assistantMessages.last()).toHaveAttribute("aria-busy", "true");

    const reply = await chat.lastReplyWhenDone();
    for (const w of ["billing", "tech_support", "account"] as const) {
      await expect(chat.worker(w)).toHaveAttribute("data-status", "succeeded");
      await expect(chat.worker(w).getByTestId("agent-worker-metrics")).toContainText("Confidence");
    }
    await expect(reply).toContainText("$30.00"); // the late fee
    await expect(reply).toContainText(/line|connection|speed|Mbps/i); // the slow internet
    await expect(reply).toContainText(/Fiber 1 Gig|1000 Mbps/); // the fastest plan
    await expect(chat.agentPanel.getByTestId("agent-run-phase")).toHaveText("Completed");
    await expect(chat.input).toBeEnabled();

    const credits = await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM credits WHERE "customerId" = 'C-1001' AND "amountCents" = 3000`);
    expect(Number(credits[0].n)).toBe(1);
    await screenshot(page, testInfo, "three-parts-done");

    // The conversation is read on the server: a reload shows the same reply and activity.
    const replyText = await reply.innerText();
    const panelText = await chat.agentPanel.innerText();
    await page.reload();
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.assistantMessages.last()).toHaveText(replyText);
    await expect.poll(() => chat.agentPanel.innerText()).toBe(panelText);

    // Switching customer shows that customer's conversation (none yet), also across a reload.
    await chat.startAs("C-1012", "Lena Novak");
    await expect(chat.userMessages).toHaveCount(0);
    await page.reload();
    await expect(chat.identity).toHaveText("Chatting as Lena Novak (C-1012)");
    await expect(chat.userMessages).toHaveCount(0);
    await expect(chat.agentPanel.getByTestId("agent-plan")).toHaveCount(0);
  });

  test("a reload in the middle of a run, and a second tab, pick the same run up with nothing repeated or missing", async ({ page, context }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1004", "Tom Becker");

    await chat.sendMessage("Is there an outage in my area? And which faster plans could I switch to?");
    await expect(chat.agentPanel.locator('[data-testid^="agent-worker-"][data-status="running"]').first()).toBeVisible();
    await page.reload();
    // The page comes back with the run still going, and follows it from where it was.
    await expect(chat.assistantMessages.last()).toHaveAttribute("aria-busy", "true");
    await expect(chat.input).toBeDisabled();
    const second = new ChatPage(await context.newPage());
    await second.goto();

    // Every state of the reply shown while it streams is a beginning of the final one.
    const seen: string[] = [];
    const watch = setInterval(() => {
      void chat.assistantMessages.last().innerText().then((t) => seen.push(t), () => {});
    }, 40);
    const reply = await chat.lastReplyWhenDone();
    clearInterval(watch);
    const text = await reply.innerText();
    await expect(second.assistantMessages.last()).toHaveAttribute("aria-busy", "false", { timeout: 30_000 });
    expect(seen.filter((s) => !s.includes("Working on it") && !text.startsWith(s))).toEqual([]);

    // Live, resumed, in the second tab, or folded afresh from the stored events: the same.
    const panel = await chat.agentPanel.innerText();
    await expect(second.assistantMessages.last()).toHaveText(text);
    await expect.poll(() => second.agentPanel.innerText()).toBe(panel);
    await page.reload();
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.assistantMessages).toHaveCount(1);
    await expect(chat.assistantMessages.last()).toHaveText(text);
    await expect.poll(() => chat.agentPanel.innerText()).toBe(panel);
    expect(await countRuns("C-1004")).toBe(1);
  });

  test("a credit over the limit waits for a specialist; their approval in another browser reaches the open chat without a reload", async ({ page, browser }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1002", "Marcus Lee");

    await chat.sendMessage("I was charged for a roaming pass I never activated. Please refund it.");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("$85.00");
    await expect(reply).toHaveAttribute("data-phase", "awaiting_review");
    await expect(page.getByTestId("chat-awaiting-review")).toBeVisible();
    await expect(chat.reviews).toHaveCount(1);
    await expect(chat.reviews.first()).toContainText("Waiting for a specialist: credit over limit");
    await expect(chat.agentPanel.getByTestId("agent-run-phase")).toHaveText("Awaiting review");
    await expect(chat.input).toBeEnabled(); // waiting for a person does not hold up the chat

    const runId = await chat.lastRunId();
    const [item] = await dbQuery<{ id: string }>(`SELECT id FROM review_items WHERE "runId" = $1`, [runId]);

    const reviewerContext = await browser.newContext();
    const reviewerPage = await reviewerContext.newPage();
    await new SignInPage(reviewerPage).signInAs("reviewer", "/reviews");
    const queue = new ReviewQueuePage(reviewerPage);
    await queue.decide(item.id, "approve", "Roaming pass was never activated (internal note)");
    await expect(queue.item(item.id)).toHaveCount(0);
    await reviewerContext.close();

    // The customer's open chat hears of it at once: the follow-up, the decision, the run completed.
    await expect(chat.followUps).toHaveCount(1, { timeout: 15_000 });
    await expect(chat.followUps.first()).toContainText("approved the $85.00 credit");
    await expect(chat.reviews.first()).toHaveAttribute("data-decision", "approved");
    await expect(chat.agentPanel.getByTestId("agent-run-phase")).toHaveText("Completed");
    await expect(chat.agentPanel).not.toContainText("internal note");

    // And the next visit shows it too, after the reply it follows.
    await page.reload();
    await expect(chat.followUps).toHaveCount(1);
    await expect(chat.followUps.first()).toContainText("approved the $85.00 credit");
    const order = await page.getByTestId("chat-messages").locator('[data-testid^="chat-message-"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid));
    expect(order).toEqual(["chat-message-user", "chat-message-assistant", "chat-message-followup"]);
  });

  test("an out-of-scope request is declined politely without any worker", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1012", "Lena Novak");

    await chat.sendMessage("Write me a poem about the ocean.");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText(/sorry|can't|cannot|only help|not able/i);
    await expect(chat.plan).toHaveAttribute("data-plan-kind", "out_of_scope");
    await expect(chat.agentPanel.getByTestId("agent-plan-outcome")).toHaveText("Declined: out of scope");
    await expect(chat.workers).toHaveCount(0);
    await expect(chat.agentPanel.getByTestId("agent-worker-progress")).toHaveCount(0);
  });

  test("bad input is refused with its reason and starts no run: empty, too long, a NUL character, a second message while one runs", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1006", "Jorge Alvarez");
    const runsBefore = await countRuns("C-1006");

    // Empty: nothing to send.
    await chat.input.fill("   ");
    await expect(chat.send).toBeDisabled();
    for (const [message, reason] of [
      ["   ", "message is empty"],
      ["x".repeat(4001), "message is longer than 4000 characters"],
      ["hello\u0000there", "message contains a NUL character"],
    ] as const) {
      const res = await page.request.post("/api/runs", { headers: SAME_ORIGIN, data: { message } });
      expect(res.status()).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("invalid_input:message");
      expect(JSON.stringify(body.error)).toContain(reason);
    }

    // Through the chat (the server action): the reason shows and the message comes back to be fixed.
    await chat.sendMessage("Why is my bill so high?\u0000");
    await expect(chat.error).toContainText("Your message contains a NUL character.");
    await expect(chat.userMessages).toHaveCount(0);
    await expect(chat.input).toHaveValue("Why is my bill so high?\u0000");
    expect(await countRuns("C-1006")).toBe(runsBefore);

    // While a run streams, the composer waits and the server refuses a second run in the conversation.
    await chat.sendMessage("Is there an outage in my area and why is my bill higher this month?");
    await expect(chat.input).toBeDisabled();
    await expect(chat.send).toBeDisabled();
    await expect(chat.assistantMessages.last()).toHaveAttribute("data-run-id", /.+/);
    const runId = await chat.lastRunId();
    const run = await (await page.request.get(`/api/runs/${runId}`)).json();
    const busy = await page.request.post("/api/runs", { headers: SAME_ORIGIN, data: { message: "And another thing", conversationId: run.run.conversationId } });
    expect(busy.status()).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: "conflict:conversation", details: { reason: "run_in_progress" } } });
    await chat.lastReplyWhenDone();
    expect(await countRuns("C-1006")).toBe(runsBefore + 1);

    // A double click sends one message and starts one run.
    await chat.input.fill("Thanks!");
    await chat.send.dblclick();
    await expect(chat.assistantMessages).toHaveCount(2);
    await chat.lastReplyWhenDone();
    await expect(chat.userMessages).toHaveCount(2);
    expect(await countRuns("C-1006")).toBe(runsBefore + 2);
  });

  test("a dropped live stream reconnects from its cursor and the reply still arrives whole", async ({ page }) => {
    const chat = new ChatPage(page);
    let dropped = 0;
    await page.route("**/api/runs/*/stream*", (route) => {
      if (dropped++ === 0) return route.abort("connectionreset");
      return route.continue();
    });
    await chat.goto();
    await chat.startAs("C-1007", "Mei Chen");

    await chat.sendMessage("What is the $12.99 charge on my bill?");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("$12.99");
    expect(dropped).toBeGreaterThan(1);
    await expect(chat.worker("billing")).toHaveAttribute("data-status", "succeeded");
    const text = await reply.innerText();
    await page.unroute("**/api/runs/*/stream*");
    await page.reload();
    await expect(chat.assistantMessages.last()).toHaveText(text);
  });

  test("a session that ended meanwhile asks to pick the customer again, keeping the message", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1003", "Priya Natarajan");
    await page.context().clearCookies({ name: "sb_customer" });

    await chat.sendMessage("Is there an outage in my area?");
    await expect(chat.error).toContainText("Pick the customer again");
    await expect(chat.input).toBeDisabled();
    await expect(chat.input).toHaveValue("Is there an outage in my area?");
    await expect(chat.userMessages).toHaveCount(0);
  });

  test("screenshots of /chat at 1280, 390 and 360 px, light and dark", async ({ page }, testInfo) => {
    const chat = new ChatPage(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await chat.goto();
    await chat.startAs("C-1001", "Dana Reyes"); // the conversation from the three-parts journey
    await expect(chat.assistantMessages.last()).toHaveAttribute("aria-busy", "false");
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      for (const width of [1280, 390, 360]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await screenshot(page, testInfo, `chat-${width}-${colorScheme}`);
        // Nothing spills sideways on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      }
    }
  });
});

test.describe("the article's customer, as a conversation", () => {
  test.beforeAll(resetE2eWorld);
  test.setTimeout(120_000);

  // @embedded: a conversation of two turns on the default database too (CI runs it again there).
  test("answers all three concerns in whole sentences, with no internal code, then takes a withdrawal without changing anything", { tag: "@embedded" }, async ({ page }, testInfo) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1001", "Dana Reyes");
    await chat.sendMessage("I was charged twice for my subscription this month, my internet has been dropping every evening, and I want to upgrade to the premium plan");
    const reply = await chat.lastReplyWhenDone();
    // The bubble opens with a label for screen readers ("Switchboard: "): the reply is what follows.
    const text = (await reply.innerText()).replace(/^Switchboard:\s*/, "");

    // "Charged twice" answered first: what the plan was charged, what the extra is, and the credit.
    expect(text).toContain("You were charged once for your plan this month: Fiber 300 at $60.00.");
    expect(text).toContain("The extra is a $30.00 late fee you don't owe");
    expect(text).toContain("I've credited $30.00 to your account");
    // The evenings' drops: the line was checked and fixed.
    expect(text).toMatch(/remote reset/);
    // "Premium" is no plan's name: the reply says which plan it became.
    expect(text).toContain("our fastest plan is Fiber 1 Gig");
    expect(text).toContain("your plan is now Fiber 1 Gig");
    // Written as a person would: whole sentences, no codes, no timestamps, an invoice named at most once.
    for (const para of text.split(/\n+/).map((p) => p.trim()).filter(Boolean)) expect(para, para).toMatch(/[.!?]$/);
    expect(text).not.toMatch(/\b(?:basic-100|fiber-300|fiber-500|gig-1000|roam-intl|router-rental|stream-plus)\b/i);
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // tool names and statuses
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    for (const id of text.match(/INV-\d{4}-\d{4}/g) ?? []) expect(text.split(id).length - 1, id).toBe(1);
    await screenshot(page, testInfo, "article-conversation");

    const changes = async () => Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM plan_changes WHERE "customerId" = 'C-1001'`))[0].n);
    const before = await changes();
    // The customer takes the plan back: nothing changes, and the reply says what already stands.
    await chat.sendMessage("actually never mind the upgrade");
    const second = await chat.lastReplyWhenDone();
    await expect(second).toContainText("Your plan was already changed to Fiber 1 Gig");
    await expect(second).toContainText("if you'd like to go back to Fiber 300, just say so");
    expect(await changes()).toBe(before);
    const [{ planId }] = await dbQuery<{ planId: string }>(`SELECT "planId" FROM customers WHERE id = 'C-1001'`);
    expect(planId).toBe("gig-1000");
  });
});
