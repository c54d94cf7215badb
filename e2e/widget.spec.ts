import fs from "node:fs";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { HostPage } from "./pages/host-page";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { E2E_BASE_URL, e2eDatabaseUrl, HOST_URL, OTHER_HOST_URL, SAME_ORIGIN } from "./support/env";
import { badTokens, customerToken } from "./support/tokens";
import { resetE2eWorld } from "./support/world";

async function countRuns(): Promise<number> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return Number((await client.query("SELECT count(*) AS n FROM runs")).rows[0].n);
  } finally {
    await client.end();
  }
}

test.describe("the chat widget on a host site", () => {
  // Journeys before this one (audit, reviews, settings) leave conversations, credits and
  // plan changes behind: these assert a first conversation and an uncredited fee.
  test.beforeAll(resetE2eWorld);
  test.setTimeout(120_000);

  test("an allowed host: keyboard-open launcher, token by postMessage, a cross-site session cookie, and a reply with friendly progress", async ({ page }) => {
    const host = new HostPage(page);
    const tokenRequests: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/switchboard-token")) tokenRequests.push(r.method());
    });
    await host.goto(HOST_URL);

    // An accessible launcher, reachable with the keyboard.
    await expect(page.getByRole("button", { name: "Chat with us" })).toHaveAttribute("aria-expanded", "false");
    await page.keyboard.press("Tab");
    await expect(host.launcher).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(host.launcher).toHaveAttribute("aria-expanded", "true");
    await expect(host.panel).toBeVisible();

    // The chat is bound to the customer the host's backend vouched for.
    await expect(host.input).toBeVisible();
    expect(tokenRequests).toEqual(["POST"]);
    // The token never travels in a URL.
    expect(await host.iframe.getAttribute("src")).toBe(`${E2E_BASE_URL}/widget?host=${encodeURIComponent(HOST_URL)}`);
    const cookie = (await page.context().cookies(E2E_BASE_URL)).find((c) => c.name === "sb_customer");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "None" });

    const reply = await host.ask("Why is there a late fee on my November bill? I paid October on the due date.");
    await expect(reply).toHaveAttribute("data-state", "done");
    await expect(reply.getByTestId("widget-message-assistant")).toContainText("$30.00");
    const steps = reply.getByTestId("widget-step");
    await expect(steps).toHaveCount(1);
    await expect(steps).toHaveAttribute("data-state", "done");
    await expect(steps).toContainText("Checking your bill…");
    // The customer sees their words, not worker names or tool ids.
    await expect(reply.getByTestId("widget-progress")).not.toContainText(/billing|tech_support|get_|find_/i);

    // Escape inside the chat closes the panel and gives focus back to the launcher.
    await host.input.press("Escape");
    await expect(host.panel).toBeHidden();
    await expect(host.launcher).toHaveAttribute("aria-expanded", "false");
    await expect(host.launcher).toBeFocused();
  });

  test("a credit that waits for a person: the open widget shows the reviewer's follow-up live, and the next visit shows the conversation", async ({ page, browser }) => {
    const host = new HostPage(page);
    // C-1011's late fee is wrong, but she had $40 of automatic credit this month: a person decides.
    await host.goto(`${HOST_URL}/?customer=C-1011`);
    await host.open();
    const reply = await host.ask("I paid early this month and still got a late fee. Please take it off.");
    await expect(reply).toHaveAttribute("data-state", "followup");
    await expect(reply.getByTestId("widget-followup")).toBeVisible();

    const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
    await client.connect();
    const item = await client
      .query(`SELECT id FROM review_items WHERE "customerId" = 'C-1011' AND status = 'pending' ORDER BY "createdAt" DESC LIMIT 1`)
      .finally(() => client.end());
    expect(item.rows).toHaveLength(1);

    const reviewerContext = await browser.newContext();
    const reviewerPage = await reviewerContext.newPage();
    await new SignInPage(reviewerPage).signInAs("reviewer", "/reviews");
    await new ReviewQueuePage(reviewerPage).decide(item.rows[0].id, "approve", "Paid early: the fee was wrong");
    await reviewerContext.close();

    // No reload: the widget was still following the run.
    const followUp = host.chat.getByTestId("widget-message-followup");
    await expect(followUp).toHaveCount(1, { timeout: 15_000 });
    await expect(followUp).toContainText("$25.00");
    await expect(reply).toHaveAttribute("data-state", "done");

    // The next visit opens on the same conversation: the message, the reply, the follow-up.
    await host.goto(`${HOST_URL}/?customer=C-1011`);
    await host.open();
    await expect(host.chat.getByTestId("widget-message-user").last()).toContainText("Please take it off.");
    await expect(host.chat.getByTestId("widget-message-followup")).toHaveCount(1);
    await expect(host.input).toBeEnabled();
  });

  test("a host that is not allowed: the browser refuses the frame and the customer is told the chat is unavailable", async ({ page }) => {
    const host = new HostPage(page);
    let tokenRequested = false;
    page.on("request", (r) => {
      if (r.url().includes("/switchboard-token")) tokenRequested = true;
    });
    await host.goto(OTHER_HOST_URL);
    await host.open();
    await expect(host.notice).toHaveText("The chat is not available on this website right now.", { timeout: 15_000 });
    await expect(host.iframe).toHaveCount(0);
    // The host's backend was never asked for a token: nothing to hand to a frame that never loaded.
    expect(tokenRequested).toBe(false);
  });

  test("a host whose token has expired: the chat says so and starts no run", async ({ page }) => {
    const before = await countRuns();
    const host = new HostPage(page);
    await host.goto(`${HOST_URL}/expired`);
    await host.open();
    await expect(host.status).toHaveText("Your sign-in has expired. Reload the page to chat with us.");
    await expect(host.input).toHaveCount(0);
    expect(await countRuns()).toBe(before);
  });
});

test.describe("what the server refuses", () => {
  test("the token exchange refuses a host origin that is not allowed, and a bad token, with 403 and 401", async ({ request }) => {
    const token = await customerToken();
    const wrongHost = await request.post("/api/widget/session", { headers: SAME_ORIGIN, data: { token, hostOrigin: OTHER_HOST_URL } });
    expect(wrongHost.status()).toBe(403);
    expect((await wrongHost.json()).error).toMatchObject({ code: "forbidden:origin" });

    for (const bad of await badTokens()) {
      const res = await request.post("/api/widget/session", { headers: SAME_ORIGIN, data: { token: bad.token, hostOrigin: HOST_URL } });
      expect(res.status(), bad.label).toBe(401);
      expect((await res.json()).error, bad.label).toMatchObject({ code: "unauthorized:session", details: { reason: bad.reason } });
      expect(res.headers()["set-cookie"], bad.label).toBeUndefined();
    }

    const ok = await request.post("/api/widget/session", { headers: SAME_ORIGIN, data: { token, hostOrigin: HOST_URL } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ customerId: "C-1001" });
    // A cookie a cross-site iframe can use, kept in the host site's partition.
    const setCookie = ok.headers()["set-cookie"] ?? "";
    for (const attribute of [/^sb_customer=/, /; HttpOnly/i, /; Secure/i, /; SameSite=None/i, /; Partitioned/i, /; Path=\//]) expect(setCookie).toMatch(attribute);
  });

  test("expired, forged, wrong-audience and unknown-key tokens get a clear 401 from the run API and create no run", async ({ request }) => {
    const before = await countRuns();
    for (const bad of await badTokens()) {
      const res = await request.post("/api/runs", { headers: { authorization: `Bearer ${bad.token}` }, data: { message: "What is my balance?" } });
      expect(res.status(), bad.label).toBe(401);
      expect(res.headers()["www-authenticate"], bad.label).toContain('error="invalid_token"');
      const body = await res.json();
      expect(body.error, bad.label).toMatchObject({ code: "unauthorized:run", details: { reason: bad.reason } });
      expect(body.error.message, bad.label).toMatch(/customer token/);
    }
    expect(await countRuns()).toBe(before);
  });

  test("CORS: an allowed host origin gets it, any other origin is refused", async ({ request }) => {
    const preflight = (origin: string) =>
      request.fetch("/api/runs", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
    const allowed = await preflight(HOST_URL);
    expect(allowed.status()).toBe(204);
    expect(allowed.headers()["access-control-allow-origin"]).toBe(HOST_URL);
    expect(allowed.headers()["access-control-allow-headers"]).toContain("authorization");
    expect(allowed.headers()["access-control-allow-credentials"]).toBeUndefined();

    const refused = await preflight(OTHER_HOST_URL);
    expect(refused.status()).toBe(403);
    expect(refused.headers()["access-control-allow-origin"]).toBeUndefined();

    const before = await countRuns();
    const token = await customerToken();
    const crossSite = await request.post("/api/runs", {
      headers: { origin: OTHER_HOST_URL, authorization: `Bearer ${token}` },
      data: { message: "What is my balance?" },
    });
    expect(crossSite.status()).toBe(403);
    expect((await crossSite.json()).error.code).toBe("forbidden:origin");
    expect(await countRuns()).toBe(before);

    const fromHost = await request.get("/api/customer/session", { headers: { origin: HOST_URL, authorization: `Bearer ${token}` } });
    expect(fromHost.status()).toBe(200);
    expect(fromHost.headers()["access-control-allow-origin"]).toBe(HOST_URL);
  });

  test("security headers: nosniff, a referrer policy, no X-Powered-By; a nonce CSP on pages; nothing frames the console, only allowed hosts frame /widget", async ({ request }) => {
    const csp = (h: Record<string, string>) => Object.fromEntries(h["content-security-policy"].split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    const nonces = new Set<string>();
    for (const path of ["/", "/chat", "/sign-in"]) {
      const res = await request.get(path);
      const headers = res.headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["x-powered-by"], path).toBeUndefined();
      expect(headers["x-frame-options"], path).toBe("DENY");
      const policy = csp(headers);
      expect(policy["frame-ancestors"], path).toBe("'none'");
      expect(policy["object-src"], path).toBe("'none'");
      const nonce = /'nonce-([^']+)'/.exec(policy["script-src"])?.[1];
      expect(nonce, path).toBeTruthy();
      expect(policy["script-src"], path).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
      // Every script the page carries has the nonce, and there is one per request.
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      nonces.add(nonce!);
      // Served over plain HTTP here: no HSTS (a browser would ignore it anyway).
      expect(headers["strict-transport-security"], path).toBeUndefined();
    }
    expect(nonces.size).toBe(3);
    for (const path of ["/api/health", "/widget.js"]) {
      const headers = (await request.get(path)).headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["x-frame-options"], path).toBe("DENY");
      expect(headers["x-powered-by"], path).toBeUndefined();
    }
    expect((await request.get("/api/health")).headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    // Behind a proxy that terminated TLS, HSTS is sent.
    const https = await request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");

    const widget = await request.get(`/widget?host=${encodeURIComponent(HOST_URL)}`);
    expect(csp(widget.headers())["frame-ancestors"]).toBe(HOST_URL);
    expect(widget.headers()["x-frame-options"]).toBeUndefined();
    expect(widget.headers()["x-content-type-options"]).toBe("nosniff");
  });
});

test.describe("screenshots", () => {
  test.setTimeout(120_000);

  test("the host page with the widget open, 1280 and 390 px wide, light and dark", async ({ page }) => {
    const host = new HostPage(page);
    await host.goto(HOST_URL);
    await host.open();
    await host.ask("My internet keeps dropping every evening, and why is there a late fee on my bill?");
    const dir = "test-results/widget-screenshots";
    fs.mkdirSync(dir, { recursive: true });
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ]) {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme });
        await expect(host.input).toBeVisible();
        await page.screenshot({ path: `${dir}/widget-${width}-${colorScheme}.png` });
      }
    }
  });
});
