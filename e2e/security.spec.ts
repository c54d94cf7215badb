import { expect, test, type Page, type Response } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { SignInPage } from "./pages/sign-in-page";
import { countRuns, dbQuery } from "./support/db";
import { E2E_BASE_URL, HOST_PORT, SAME_ORIGIN } from "./support/env";
import { deleteSeededReview, insertPendingReview, readReview } from "./support/review-fixtures";
import { customerToken } from "./support/tokens";

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

test.describe("bad input is a clear 400, never a 500", () => {
  test("a NUL byte, an unpaired surrogate or a control character in a message: 400 invalid_input, no run", async ({ request }) => {
    const auth = { authorization: `Bearer ${await customerToken({ customerId: "C-1005" })}`, "content-type": "application/json" };
    const before = await countRuns("C-1005");
    for (const body of ['{"message":"hi\\u0000there"}', '{"message":"half \\ud800 a pair"}', '{"message":"\\u001b[2J cleared"}']) {
      const res = await request.post("/api/runs", { headers: auth, data: body });
      expect(res.status(), body).toBe(400);
      expect((await res.json()).error.code, body).toBe("invalid_input:message");
    }
    expect(await countRuns("C-1005")).toBe(before);
  });

  test("a callbackUrl Auth.js cannot use (javascript:, data:, NUL) on its endpoints: 400, not 500", async ({ request }) => {
    for (const raw of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "\u0000"]) {
      for (const path of ["/api/auth/signin", "/api/auth/providers", "/api/auth/session"]) {
        const res = await request.get(`${path}?${new URLSearchParams({ callbackUrl: raw })}`, { maxRedirects: 0 });
        expect(res.status(), `${path} ${raw}`).toBe(400);
        expect((await res.json()).error).toMatchObject({ code: "bad_request:auth", details: { reason: "invalid_callback_url", where: "query" } });
      }
    }
    // A poisoned callback cookie is refused and cleared.
    const res = await request.get("/api/auth/session", { headers: { cookie: "authjs.callback-url=javascript:alert(1)" } });
    expect(res.status()).toBe(400);
    expect(res.headers()["set-cookie"]).toContain("authjs.callback-url=;");
    // The sign-in page itself falls back to a safe path.
    expect((await request.get("/sign-in?callbackUrl=javascript:alert(1)")).status()).toBe(200);
  });
});

test.describe("abuse limits", () => {
  test("the 21st quick run from one customer token: 429 with Retry-After, and no 21st run", async ({ request }) => {
    const auth = { authorization: `Bearer ${await customerToken({ customerId: "C-1010" })}`, "content-type": "application/json" };
    const before = await countRuns("C-1010");
    for (let i = 1; i <= 20; i++) {
      const res = await request.post("/api/runs", { headers: auth, data: { message: `What is my balance? (${i})` } });
      expect(res.status(), `run ${i}: ${res.status() === 202 ? "" : await res.text()}`).toBe(202);
    }
    const refused = await request.post("/api/runs", { headers: auth, data: { message: "What is my balance? (21)" } });
    expect(refused.status()).toBe(429);
    const retryAfter = Number(refused.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited:message", details: { limit: "runs_per_customer" } });
    expect(await countRuns("C-1010")).toBe(before + 20);
  });

  test("the per-address limits count the connection's address: an X-Forwarded-For the client sends changes nothing", async ({ request }) => {
    const email = `spoof-${Date.now()}@switchboard.local`;
    for (const forged of ["203.0.113.201", "10.0.0.1, 203.0.113.202"]) {
      const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
      const res = await request.post("/api/auth/callback/credentials", { form: { email, password: "wrong", csrfToken }, headers: { "x-forwarded-for": forged }, maxRedirects: 0 });
      expect(res.status()).toBe(302);
    }
    // Both wrong passwords were counted against this client's own address, not the ones it named.
    const keys = await dbQuery<{ key: string }>(`SELECT key FROM rate_limits WHERE key LIKE 'sign-in:ip:%'`);
    expect(keys.map((k) => k.key)).toContain("sign-in:ip:127.0.0.1");
    expect(keys.map((k) => k.key).filter((k) => k.includes("203.0.113."))).toEqual([]);
    const [account] = await dbQuery<{ hits: number }>(`SELECT hits FROM rate_limits WHERE key = $1`, [`sign-in:account:${email}`]);
    expect(account.hits).toBe(2);
  });

  test("repeated wrong staff passwords lock the account: the form says so, and the credentials endpoint answers 429 with Retry-After", async ({ page }) => {
    // An address nobody uses elsewhere in the suite: the lock lasts 15 minutes.
    const email = `locked-${Date.now()}@switchboard.local`;
    const signIn = new SignInPage(page);
    await signIn.goto();
    await page.waitForLoadState("networkidle");
    const attempt = async (password: string) => {
      await signIn.email.fill(email);
      await signIn.password.fill(password);
      await expect(signIn.password).toHaveValue(password);
      await signIn.submit.click();
      // The form answers by emptying the password field; then the next attempt may start.
      await expect(signIn.password).toHaveValue("");
    };
    for (let i = 1; i <= 4; i++) {
      await attempt(`wrong-${i}`);
      await expect(signIn.error).toHaveText("Wrong email or password.");
    }
    await attempt("wrong-5");
    await expect(signIn.error).toContainText("Too many wrong passwords. Sign-in is locked for 15 minutes");
    await attempt("wrong-6");
    await expect(signIn.error).toContainText("Too many wrong passwords");

    const direct = await page.request.post("/api/auth/callback/credentials", { form: { email, password: "anything", csrfToken: "x" }, maxRedirects: 0 });
    expect(direct.status()).toBe(429);
    expect(Number(direct.headers()["retry-after"])).toBeGreaterThan(14 * 60);
    expect((await direct.json()).error.code).toBe("rate_limited:auth");
    const refusals = await dbQuery<{ reason: string }>(`SELECT payload->>'reason' AS reason FROM audit_log WHERE kind = 'sign_in_refused' AND actor = $1 ORDER BY seq`, [email]);
    expect(refusals.map((r) => r.reason)).toEqual(["invalid_credentials", "invalid_credentials", "invalid_credentials", "invalid_credentials", "invalid_credentials"]);
  });
});

