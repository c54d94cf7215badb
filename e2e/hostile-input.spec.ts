import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { AuditPage } from "./pages/audit-page";
import { SignInPage } from "./pages/sign-in-page";
import { dbQuery } from "./support/db";
import { E2E_BASE_URL, HOST_PORT, SAME_ORIGIN } from "./support/env";
import { deleteSeededReview, insertPendingReview } from "./support/review-fixtures";
import { customerToken } from "./support/tokens";

// What only the whole stack shows: next start with the proxy in front, Next.js's own
// server-action handling, real connections that a client drops, a browser's Fetch
// Metadata. The route handlers' own answers to hostile input are app/api/hostile-input.test.ts.

/** A server action of the production build under test, by its exported name (the ids change with every build). */
function actionId(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name);
  if (!found) throw new Error(`no server action named ${name} in this build`);
  return found[0];
}

const exportsLogged = async () => Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE kind = 'export'`))[0].n);

test.describe("hostile input through next start: a clear 4xx, never a 500", () => {
  test("a server action posted with a look-alike, foreign or null Origin is 403 forbidden:origin; from the app's own origin it runs", async ({ request }) => {
    const action = { "next-action": actionId("leaveChatAction"), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
    for (const origin of ["http://127.0.0.1:3000.evil", `${E2E_BASE_URL}.evil`, "null", "http://[::1", "https://evil.example", `http://127.0.0.1:${HOST_PORT}`]) {
      const res = await request.post("/chat", { headers: { ...action, origin }, data: "[]" });
      expect(res.status(), origin).toBe(403);
      expect((await res.json()).error, origin).toMatchObject({ code: "forbidden:origin", details: { reason: "cross_origin", origin } });
    }
    const own = await request.post("/chat", { headers: { ...action, ...SAME_ORIGIN }, data: "[]" });
    expect(own.status()).toBe(200);
    expect(own.headers()["content-type"]).toContain("text/x-component");
  });

  test("an X-Forwarded-Host or -Proto that names no origin is 400 bad_request:origin on pages and the API, not a 500 from next-auth", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor", "/audit");
    for (const [header, value] of [["x-forwarded-host", "[::1"], ["x-forwarded-proto", "'x% !%"], ["x-forwarded-proto", "https, http"]]) {
      for (const path of ["/audit", "/api/audit/runs/export", "/api/reviews/events", "/api/health"]) {
        const res = await page.request.get(path, { headers: { [header]: value } });
        expect(res.status(), `${path} ${header}: ${value}`).toBe(400);
        expect((await res.json()).error, path).toMatchObject({ code: "bad_request:origin", details: { reason: "malformed_forwarding", header } });
      }
    }
    // Well-formed, they change nothing.
    expect((await page.request.get("/audit", { headers: { "x-forwarded-proto": "http" } })).status()).toBe(200);
  });

  test("a customer cookie that is not percent-encoding is a malformed token (401), and the chat page still renders", async ({ request }) => {
    const cookie = { cookie: "sb_customer=%E0%A4%A" };
    const session = await request.get("/api/customer/session", { headers: cookie });
    expect(session.status()).toBe(401);
    expect((await session.json()).error.details.reason).toBe("customer_token_malformed");
    const run = await request.post("/api/runs", { headers: { ...cookie, ...SAME_ORIGIN }, data: { message: "hi" } });
    expect(run.status()).toBe(401);
    expect((await request.get("/chat", { headers: cookie })).status()).toBe(200);
  });

  test("a body nested 20,000 levels deep is 400 invalid_input on every JSON route, and nothing is stored", async ({ request }) => {
    const deep = `{"message":"hi","x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const json = { "content-type": "application/json" };
    const runsBefore = Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM runs`))[0].n);
    const cases: Array<[string, Record<string, string>]> = [
      ["/api/runs", { ...json, authorization: `Bearer ${await customerToken({ customerId: "C-1005" })}` }],
      ["/api/widget/session", { ...json, ...SAME_ORIGIN }],
      ["/api/reviews/00000000-0000-4000-8000-000000000000/claim", { ...json, ...SAME_ORIGIN }],
    ];
    for (const [path, headers] of cases) {
      const res = await request.post(path, { headers, data: deep });
      expect(res.status(), path).toBe(400);
      expect((await res.json()).error.code, path).toMatch(/^invalid_input:/);
    }
    expect(Number((await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM runs`))[0].n)).toBe(runsBefore);
  });
});

test.describe("event streams are capped per principal, and a dropped connection frees its slot", () => {
  test("one customer token: 10 streams open, the 11th is 429 rate_limited:stream; closing one lets the next in", async () => {
    const seeded = await insertPendingReview({ customerId: "C-1004", summary: "Credit of $80.00 exceeds the $50 auto-credit limit" });
    const [{ runId }] = await dbQuery<{ runId: string }>(`SELECT "runId" FROM review_items WHERE id = $1`, [seeded.reviewId]);
    const auth = { authorization: `Bearer ${await customerToken({ customerId: "C-1004" })}` };
    const held: AbortController[] = [];
    // Real connections (not Playwright's request context, which reads a response to its end).
    const open = async (path: string) => {
      const abort = new AbortController();
      const res = await fetch(`${E2E_BASE_URL}${path}`, { headers: auth, signal: abort.signal });
      if (res.ok) held.push(abort);
      else await res.body?.cancel();
      return res;
    };
    try {
      for (let i = 0; i < 10; i++) {
        const res = await open(`/api/runs/${runId}/stream?until=settled`);
        expect(res.status, `stream ${i + 1}`).toBe(200);
      }
      // The run events' SSE counts with the run's UI message stream; refused before it opens.
      const refused = await fetch(`${E2E_BASE_URL}/api/runs/${runId}/events`, { headers: auth });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await refused.json()).error).toMatchObject({ code: "rate_limited:stream", details: { limit: "streams_per_principal", max: 10 } });

      // The client goes away: the server notices the closed connection and frees the slot.
      held.shift()!.abort();
      await expect.poll(async () => (await open(`/api/runs/${runId}/stream?until=settled`)).status, { timeout: 10_000 }).toBe(200);
    } finally {
      for (const a of held) a.abort();
      await deleteSeededReview(seeded);
    }
  });
});

test.describe("audit exports start only from Switchboard's own pages", () => {
  test("the audit page's Export CSV link downloads and logs; the same link on another site is 403 and logs nothing", async ({ page }) => {
    await new SignInPage(page).signInAs("auditor", "/audit");
    const audit = new AuditPage(page);
    await audit.goto("?q=C-1001");

    // The page's own link, clicked in the browser (Sec-Fetch-Site: same-origin).
    const before = await exportsLogged();
    const [download] = await Promise.all([page.waitForEvent("download"), audit.exportCsv.click()]);
    expect(fs.readFileSync((await download.path())!, "utf8")).toMatch(/^run_id,created_at,customer_id/);
    expect(await exportsLogged()).toBe(before + 1);

    // Another site (localhost is another site than 127.0.0.1) links to the same export;
    // the auditor's session cookie goes along with the top-level navigation.
    const href = new URL((await audit.exportCsv.getAttribute("href"))!, E2E_BASE_URL).href;
    const attacker = `http://localhost:${HOST_PORT}/cheap-flights`;
    await page.route(attacker, (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><a id="go" href="${href.replaceAll("&", "&amp;")}">Cheap flights</a>` }));
    await page.goto(attacker);
    const [res] = await Promise.all([page.waitForResponse((r) => r.url() === href), page.click("#go")]);
    expect((await res.request().allHeaders()).cookie).toContain("session-token");
    expect(res.status()).toBe(403);
    // The browser said where the request came from (Playwright does not list Fetch Metadata among the sent headers; the answer echoes it).
    expect((await res.json()).error).toMatchObject({ code: "forbidden:origin", details: { reason: "cross_site", secFetchSite: "cross-site" } });
    expect(await exportsLogged()).toBe(before + 1);
  });
});
