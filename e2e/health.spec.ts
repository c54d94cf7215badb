import { expect, test } from "@playwright/test";

test("the health endpoint reports the app and its database as ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toBe("no-store");
  const body = await res.json();
  expect(body).toMatchObject({ status: "ok", database: { status: "ok" } });
  expect(["external", "embedded"]).toContain(body.database.kind);
  expect(typeof body.app.version).toBe("string");
  expect(body.app.uptimeSeconds).toBeGreaterThanOrEqual(0);
  expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
});
