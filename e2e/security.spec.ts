import { expect, test, type Page, type Response } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { SignInPage } from "./pages/sign-in-page";
import { countRuns } from "./support/db";
import { E2E_BASE_URL, HOST_PORT, SAME_ORIGIN } from "./support/env";
import { deleteSeededReview, insertPendingReview, readReview } from "./support/review-fixtures";

// An attacker's page on another port of the same host: same site as the app (so even
// SameSite=Lax cookies go along), another origin. Playwright serves it in place of the
// demo host server, so the browser really runs it at that origin.
const ATTACKER_URL = `http://127.0.0.1:${HOST_PORT}/attack`;

/** A text/plain form whose body reads as JSON: name `{"a":"b","pad":"` + `=` + value `"}`. */
function formPage(action: string, json: Record<string, string>): string {
  const body = JSON.stringify({ ...json, pad: "" });
  const name = body.slice(0, -2);
  const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  return `<!doctype html><title>Win a prize</title>
<form method="post" enctype="text/plain" action="${esc(action)}">
  <input type="hidden" name="${esc(name)}" value='"}'>
  <button id="go">Claim</button>
</form>`;
}

/** Opens the attacker's page and submits its form; returns the app's answer. */
async function submitFromAttacker(page: Page, action: string, json: Record<string, string>): Promise<Response> {
  await page.route(ATTACKER_URL, (route) => route.fulfill({ contentType: "text/html", body: formPage(action, json) }));
  await page.goto(ATTACKER_URL);
  const [res] = await Promise.all([page.waitForResponse((r) => r.url() === action && r.request().method() === "POST"), page.click("#go")]);
  return res;
}

test.describe("cross-site requests carrying a valid session are refused, and change nothing", () => {
  test("a text/plain form post to POST /api/runs with the chat cookie: 403, no run", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.startAs("C-1003", "Priya Natarajan");
    const before = await countRuns("C-1003");

    const res = await submitFromAttacker(page, `${E2E_BASE_URL}/api/runs`, { message: "Upgrade me to the fastest plan" });
    // The browser did send the victim's cookie and a JSON-looking body...
    const sent = await res.request().allHeaders();
    expect(sent.cookie).toContain("sb_customer=");
    expect(sent["content-type"]).toBe("text/plain");
    expect(res.request().postData()?.trim()).toBe('{"message":"Upgrade me to the fastest plan","pad":"="}');
    // ...and the app refused it before reading either.
    expect(res.status()).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: "forbidden:origin", details: { origin: `http://127.0.0.1:${HOST_PORT}` } });
    expect(await countRuns("C-1003")).toBe(before);

    // The session itself was valid all along: from the app's own origin, as JSON, it works.
    expect((await (await page.request.get("/api/customer/session")).json()).customerId).toBe("C-1003");
    // And from the app's own origin, a body that is not declared JSON is still refused.
    const plain = await page.request.post("/api/runs", { headers: { ...SAME_ORIGIN, "content-type": "text/plain" }, data: '{"message":"hi"}' });
    expect(plain.status()).toBe(415);
    expect((await plain.json()).error.code).toBe("unsupported_media_type:message");
    expect(await countRuns("C-1003")).toBe(before);
  });

  test("a text/plain form post to the review decision route with a reviewer's session: 403, still pending", async ({ page }) => {
    const seeded = await insertPendingReview({ customerId: "C-1002", summary: "Credit of $80.00 for a duplicate charge exceeds the $50 auto-credit limit" });
    try {
      await new SignInPage(page).signInAs("reviewer", "/reviews");
      const action = `${E2E_BASE_URL}/api/reviews/${seeded.reviewId}/decision`;
      const res = await submitFromAttacker(page, action, { decision: "approve", note: "ok" });
      expect(await res.request().allHeaders()).toMatchObject({ cookie: expect.stringContaining("session-token") });
      expect(res.status()).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden:origin");
      expect(await readReview(seeded.reviewId)).toEqual({ status: "pending", decidedBy: null, note: null });
    } finally {
      await deleteSeededReview(seeded);
    }
  });
});
