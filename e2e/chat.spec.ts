import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

test.describe("customer chat", () => {
  test("lists the 12 seeded customers; picking one starts a session as that customer", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
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

    const forgedPayload = Buffer.from(JSON.stringify({ sub: "C-1002", exp: 4_102_444_800 })).toString("base64url");
    const forged = await request.get("/api/customer/session", { headers: { authorization: `Bearer ${forgedPayload}.c2lnbmF0dXJl` } });
    expect(forged.status()).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "unauthorized:session", details: { reason: "customer_token_bad_signature" } } });
  });
});

test.describe("chatting with the agents", () => {
  // Runs go through the real engine with the local model: allow for its simulated latency.
  test.setTimeout(120_000);

  test("a billing question streams a reply and shows the billing worker's work; a reload picks it up, switching customer forgets it", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1001", "Dana Reyes");

    await chat.sendMessage("Why is there a late fee on my November bill? I paid October on the due date.");
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.userMessages.first()).toContainText("late fee on my November bill");
    // While the run streams, the composer waits.
    await expect(chat.input).toBeDisabled();

    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("$30.00");
    await expect(chat.plan).toHaveAttribute("data-plan-kind", "delegate");
    await expect(chat.worker("billing")).toHaveAttribute("data-status", "succeeded");
    await expect(chat.worker("billing")).toContainText("Succeeded");
    await expect(chat.worker("billing").getByTestId("agent-worker-metrics")).toContainText("Confidence");
    await expect(chat.input).toBeEnabled();

    // The conversation is remembered in this tab: a reload shows the same run.
    const replyText = await reply.innerText();
    await page.reload();
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.assistantMessages.last()).toHaveText(replyText);
    await expect(chat.worker("billing")).toHaveAttribute("data-status", "succeeded");

    // Switching customer forgets it, also across a reload.
    await chat.startAs("C-1012", "Lena Novak");
    await expect(chat.userMessages).toHaveCount(0);
    await page.reload();
    await expect(chat.identity).toHaveText("Chatting as Lena Novak (C-1012)");
    await expect(chat.userMessages).toHaveCount(0);
    await expect(chat.agentPanel.getByTestId("agent-plan")).toHaveCount(0);
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
  });

  test("a credit over the limit waits for a specialist, and the reply says so", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1002", "Marcus Lee");

    await chat.sendMessage("I was charged for a roaming pass I never activated. Please refund it.");
    const reply = await chat.lastReplyWhenDone();
    await expect(reply).toContainText("$85.00");
    await expect(reply).toHaveAttribute("data-phase", "awaiting_review");
    await expect(chat.worker("billing")).toHaveAttribute("data-status", "succeeded");
    await expect(chat.reviews).toHaveCount(1);
    await expect(chat.reviews.first()).toContainText("Waiting for a specialist: credit over limit");
    await expect(chat.agentPanel.getByTestId("agent-run-phase")).toHaveText("Awaiting review");
  });

  test("an empty-after-trim message is refused by the API with its reason, and a double click starts one run", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1001", "Dana Reyes");

    const bad = await page.request.post("/api/runs", { data: { message: "   " } });
    expect(bad.status()).toBe(400);
    const refused = await bad.json();
    expect(refused.error.code).toBe("invalid_input:message");
    expect(refused.error.message).toContain("message is empty");

    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/runs") posts.push(r.headers()["idempotency-key"] ?? "");
    });
    await chat.input.fill("Hi there!");
    await chat.send.dblclick();
    await chat.lastReplyWhenDone();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/^[0-9a-f-]{36}$/);
    await expect(chat.userMessages).toHaveCount(1);
  });

  test("a dropped live stream reconnects and the reply still arrives whole", async ({ page }) => {
    const chat = new ChatPage(page);
    let dropped = 0;
    await page.route("**/api/runs/*/events*", (route) => {
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
});
