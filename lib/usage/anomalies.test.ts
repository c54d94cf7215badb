import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import type { AlertSettings } from "../contracts";
import { acknowledgeAlert, countOpenAlerts } from "./alerts";
import { detectAnomalies, robustZ } from "./anomalies";
import { deliverDueAlerts, signWebhook } from "./webhook";

const db = useTestDb();
const settings: AlertSettings = { runTokenBudget: 50_000, dailyTokenBudget: 5_000_000, zScoreThreshold: 3, minSamples: 20 };
const SECRET = "test-webhook-secret-0123456789";

// A real HTTP receiver: records each delivery, answers with the status the test sets.
const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
let answer = 200;
let server: http.Server;
let url = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/switchboard`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A run with `n` billing invocations of about `tokens` tokens each, finished a minute apart before `end`. */
async function history(n: number, tokens: number, end: Date) {
  const conversation = await db.conversation.create({ data: { customerId: "C-1001" } });
  const run = await db.run.create({ data: { conversationId: conversation.id, customerId: "C-1001", input: "history", status: "completed" } });
  for (let i = 0; i < n; i++) {
    const finishedAt = new Date(end.getTime() - (n - i) * 60_000);
    await db.workerInvocation.create({
      data: {
        runId: run.id, taskId: `t${i}`, worker: "billing", attempt: 1, status: "succeeded", input: {}, model: "local-billing",
        tokensIn: tokens + ((i * 37) % 120) - 60, tokensOut: 80, latencyMs: 200 + ((i * 13) % 40), startedAt: finishedAt, finishedAt,
      },
    });
  }
}

async function oneInvocation(tokensIn: number, at: Date) {
  const conversation = await db.conversation.create({ data: { customerId: "C-1002" } });
  const run = await db.run.create({ data: { conversationId: conversation.id, customerId: "C-1002", input: "the odd one", status: "completed" } });
  const inv = await db.workerInvocation.create({
    data: { runId: run.id, taskId: "t1", worker: "billing", attempt: 1, status: "succeeded", input: {}, model: "local-billing", tokensIn, tokensOut: 80, latencyMs: 215, startedAt: at, finishedAt: at },
  });
  await db.modelCall.create({ data: { runId: run.id, role: "billing", invocationId: inv.id, model: "local-billing", tokensIn, tokensOut: 80, latencyMs: 215, createdAt: at } });
  return { runId: run.id, invocationId: inv.id };
}

describe("usage anomaly alerts", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    received.length = 0;
    answer = 200;
  });

  it("scores robustly: one runaway value in the baseline does not hide the next", () => {
    const base = [100, 102, 98, 101, 99, 100, 103, 97, 5000];
    expect(robustZ(1000, base).z!).toBeGreaterThan(100);
    expect(Math.abs(robustZ(101, base).z!)).toBeLessThan(1);
    expect(robustZ(100, [100, 100, 100]).z).toBeNull(); // no spread at all
  });

  it("a worker using ten times its usual tokens raises one alert, delivered to the webhook signed", async () => {
    const now = new Date("2026-11-15T12:00:00.000Z");
    await history(30, 1000, now);
    const usual = await oneInvocation(1020, new Date(now.getTime() + 1000));
    const odd = await oneInvocation(10_000, new Date(now.getTime() + 2000));

    const first = await detectAnomalies({ db, settings, since: now });
    expect(first.created).toBe(1);
    expect(first.seenUntil).toEqual(new Date(now.getTime() + 2000));
    const alert = await db.usageAlert.findFirstOrThrow();
    expect(alert).toMatchObject({ invocationId: odd.invocationId, runId: odd.runId, worker: "billing", metric: "tokens", value: 10_080, threshold: 3 });
    expect(alert.score!).toBeGreaterThan(3);
    expect(alert.message).toMatch(/billing used 10,080 tokens \(9\.\d× the median\)/);
    expect(await db.usageAlert.count({ where: { invocationId: usual.invocationId } })).toBe(0);
    // Detecting again (another process, a restart) stores nothing new.
    expect((await detectAnomalies({ db, settings, since: now })).created).toBe(0);
    expect(await countOpenAlerts({ db })).toBe(1);

    expect(await deliverDueAlerts({ db, config: { url, secret: SECRET } })).toBe(1);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers["switchboard-signature"]))!;
    expect(v1).toBe(createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex"));
    expect(headers["switchboard-alert-id"]).toBe(alert.id);
    expect(JSON.parse(body)).toMatchObject({ type: "usage_alert", id: alert.id, metric: "tokens", worker: "billing", runId: odd.runId, value: 10_080 });
    expect(await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ deliveryAttempts: 1, deliveryError: null, nextDeliveryAt: null });
    expect((await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).deliveredAt).not.toBeNull();
    // Delivered once: nothing is due any more.
    expect(await deliverDueAlerts({ db, config: { url, secret: SECRET } })).toBe(0);
    expect(received).toHaveLength(1);
  });

  it("retries a failed delivery with backoff, and not before it is due", async () => {
    const now = new Date("2026-11-15T12:00:00.000Z");
    await history(25, 800, now);
    await oneInvocation(9000, new Date(now.getTime() + 1000));
    await detectAnomalies({ db, settings, since: now });
    answer = 500;
    const clock = { t: Date.now() };
    const at = () => new Date(clock.t);
    expect(await deliverDueAlerts({ db, config: { url, secret: SECRET }, now: at })).toBe(0);
    let alert = await db.usageAlert.findFirstOrThrow();
    expect(alert).toMatchObject({ deliveryAttempts: 1, deliveryError: "HTTP 500", deliveredAt: null });
    expect(alert.nextDeliveryAt!.getTime() - clock.t).toBe(5_000);
    // Not due yet: no second POST.
    expect(await deliverDueAlerts({ db, config: { url, secret: SECRET }, now: at })).toBe(0);
    expect(received).toHaveLength(1);
    // Due after the backoff; the receiver is back.
    answer = 204;
    clock.t += 5_001;
    expect(await deliverDueAlerts({ db, config: { url, secret: SECRET }, now: at })).toBe(1);
    alert = await db.usageAlert.findFirstOrThrow();
    expect(alert).toMatchObject({ deliveryAttempts: 2, deliveryError: null });
    expect(received).toHaveLength(2);
    expect(received[1].headers["switchboard-alert-id"]).toBe(received[0].headers["switchboard-alert-id"]);
    expect(signWebhook("k".repeat(16), 1, "{}")).toMatch(/^t=1,v1=[0-9a-f]{64}$/);
  });

  it("does not judge a worker before it has the minimum samples, and alerts on a run over its token budget", async () => {
    const now = new Date("2026-11-15T12:00:00.000Z");
    await history(5, 1000, now);
    const big = await oneInvocation(60_000, new Date(now.getTime() + 1000));
    const { created } = await detectAnomalies({ db, settings, since: now });
    expect(created).toBe(1);
    expect(await db.usageAlert.findFirstOrThrow()).toMatchObject({ invocationId: `run:${big.runId}`, metric: "run_token_budget", worker: "all", value: 60_080, threshold: 50_000 });
  });

  it("is acknowledged once, by compare-and-set, with an audit entry", async () => {
    const now = new Date("2026-11-15T12:00:00.000Z");
    await history(25, 1000, now);
    await oneInvocation(12_000, new Date(now.getTime() + 1000));
    await detectAnomalies({ db, settings, since: now });
    const alert = await db.usageAlert.findFirstOrThrow();
    expect(await acknowledgeAlert({ db, alertId: alert.id, staffEmail: "admin@switchboard.local" })).toEqual({ ok: true });
    expect(await acknowledgeAlert({ db, alertId: alert.id, staffEmail: "other@switchboard.local" })).toEqual({ ok: false, error: "already_acknowledged" });
    expect(await acknowledgeAlert({ db, alertId: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", staffEmail: "admin@switchboard.local" })).toEqual({ ok: false, error: "not_found" });
    expect(await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ acknowledgedBy: "admin@switchboard.local" });
    expect(await countOpenAlerts({ db })).toBe(0);
    const entries = await db.auditEntry.findMany({ where: { kind: "alert_acknowledged", subject: `usage_alert:${alert.id}` } });
    expect(entries.map((e) => e.actor)).toEqual(["admin@switchboard.local"]);
  });
});
