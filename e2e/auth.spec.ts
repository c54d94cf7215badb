import { expect, test } from "@playwright/test";
import { ReviewQueuePage } from "./pages/review-queue-page";
import { SignInPage } from "./pages/sign-in-page";
import { TopNav } from "./pages/top-nav";
import { STAFF } from "./support/accounts";
import { E2E_BASE_URL } from "./support/env";

test.describe("staff sign-in", () => {
  test("a reviewer signs in and sees the review queue", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto("/reviews");
    await signIn.signIn(STAFF.reviewer.email, STAFF.reviewer.password);

    await expect(page).toHaveURL(/\/reviews$/);
    const queue = new ReviewQueuePage(page);
    await expect(queue.heading).toBeVisible();
    await expect(queue.empty.or(page.getByTestId("review-queue"))).toBeVisible();

    const nav = new TopNav(page);
    await expect(nav.userName).toHaveText(STAFF.reviewer.name);
    await expect(nav.userRole).toHaveText("Reviewer");
    // The nav offers only what the role may open.
    await expect(nav.link("reviews")).toBeVisible();
    await expect(nav.link("audit")).toHaveCount(0);
    await expect(nav.link("usage")).toHaveCount(0);
  });

  test("a wrong password gets a clear message and stays on sign-in", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto("/reviews");
    await signIn.signIn(STAFF.reviewer.email, "not-the-password");

    await expect(signIn.error).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Freviews$/);
    await expect(signIn.email).toHaveValue(STAFF.reviewer.email);
    await expect(signIn.password).toHaveValue("");
    await expect(new TopNav(page).signInLink).toBeVisible();
  });

  test("malformed input gets its own message", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn("not-an-email", "whatever");
    await expect(signIn.error).toHaveText("Enter a valid email address and your password.");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("after sign-in without a callback the visitor lands on home, and can sign out", async ({ page }) => {
    await new SignInPage(page).signInAs("admin");
    await expect(page).toHaveURL(/\/$/);
    const nav = new TopNav(page);
    await expect(nav.userRole).toHaveText("Admin");
    await expect(nav.link("reviews")).toBeVisible();
    await expect(nav.link("audit")).toBeVisible();
    await expect(nav.link("usage")).toBeVisible();

    // The session's cookie as it was before signing out: a response in flight during
    // sign-out (or anyone who copied the cookie) could put it back.
    const before = await page.context().cookies();
    await nav.signOut.click();
    await expect(nav.signInLink).toBeVisible();
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fusage$/);

    // Signing out revoked it on the server: the old cookie no longer opens anything.
    await page.context().addCookies(before);
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fusage$/);
    expect((await page.request.get("/api/reviews/events", { maxRedirects: 0 })).status()).toBe(401);
  });

  test("signing out through Auth.js's own /api/auth/signout revokes the session too: a copied cookie no longer works", async ({ page }) => {
    await new SignInPage(page).signInAs("admin");
    await expect(new TopNav(page).userRole).toHaveText("Admin");
    const copied = await page.context().cookies();
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/usage$/);

    // As a browser's sign-out form does: Auth.js's CSRF token, then the form post.
    const { csrfToken } = await (await page.request.get("/api/auth/csrf")).json();
    const out = await page.request.post("/api/auth/signout", { form: { csrfToken, callbackUrl: "/" }, maxRedirects: 0 });
    expect(out.status()).toBe(302);
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fusage$/);

    await page.context().addCookies(copied);
    await page.goto("/usage");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fusage$/);
    expect((await page.request.get("/api/reviews/events", { maxRedirects: 0 })).status()).toBe(401);
  });

  test("a callback to another site is ignored", async ({ page }) => {
    await new SignInPage(page).signInAs("reviewer", "https://evil.test/phish");
    await expect(page).toHaveURL(`${E2E_BASE_URL}/`);
  });
});

test.describe("anonymous visitors", () => {
  for (const path of ["/reviews", "/audit", "/usage"]) {
    test(`are sent from ${path} to sign-in`, async ({ page }) => {
      await page.goto(path);
      await expect(page).toHaveURL(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
      await expect(page.getByRole("heading", { name: "Staff sign-in" })).toBeVisible();
    });
  }
});
