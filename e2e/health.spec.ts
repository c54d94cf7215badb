import { expect, test } from "@playwright/test";
import { SignInPage } from "./pages/sign-in-page";

test("the health endpoint tells anyone the status, and only staff the app's and its database's details", async ({ request, page }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toBe("no-store");
  // Monitors and load balancers carry no session: the status is all they get.
  expect(await res.json()).toEqual({ status: "ok" });

  await new SignInPage(page).signInAs("reviewer");
  const detailed = await page.request.get("/api/health");
  expect(detailed.status()).toBe(200);
  const body = await detailed.json();
  expect(body).toMatchObject({ status: "ok", database: { status: "ok" } });
  expect(["external", "embedded"]).toContain(body.database.kind);
  expect(typeof body.app.version).toBe("string");
  expect(body.app.uptimeSeconds).toBeGreaterThanOrEqual(0);
  expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
});
