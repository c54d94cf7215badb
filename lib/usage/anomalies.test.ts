import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import type { AlertSettings } from "../contracts";
import { scheduleKey } from "../jobs/queue";
import { JobRunner } from "../jobs/runner";
import { enqueueWebhook, webhookJob } from "../jobs/webhook";
import type { SettingsSource } from "../orchestrator/settings";
import { acknowledgeAlert, countOpenAlerts } from "./alerts";
import { detectAnomalies, robustZ } from "./anomalies";
import { USAGE_ANOMALIES_JOB, usageAnomaliesJob } from "./anomaly-job";
import { ALERT_DESTINATION, alertReceipt, enqueueAlertDeliveries, MAX_ATTEMPTS, signWebhook } from "./webhook";

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

/** An app process's runner with the webhook job, posting `alerts` to the test's receiver. */
function deliveries() {
  return new JobRunner({ db, jobs: [webhookJob({ destinations: { [ALERT_DESTINATION]: { url, secret: SECRET } }, receipts: { usage_alert: alertReceipt } })] });
}
/** Makes every queued job due now (time passing, without waiting for it). */
const makeDue = () => db.$executeRaw`UPDATE jobs SET "runAt" = (now() AT TIME ZONE 'UTC') - interval '1 millisecond' WHERE status = 'queued'`;
const alertJob = (alertId: string) => db.job.findUniqueOrThrow({ where: { key: `webhook:usage_alert:${alertId}` } });

describe("usage anomaly alerts", () => {
  beforeEach(async () => {
    await resetTestWorld(db);
    await db.job.deleteMany();
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

    // Each alert to deliver is a job, enqueued once however often (or by how many processes) this runs.
    expect(await enqueueAlertDeliveries(db)).toBe(1);
    expect(await enqueueAlertDeliveries(db)).toBe(0);
    expect(await alertJob(alert.id)).toMatchObject({ kind: "webhook", status: "queued", maxAttempts: MAX_ATTEMPTS });
    expect((await deliveries().runDue()).map((r) => r.result)).toEqual(["done"]);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers["switchboard-signature"]))!;
    expect(v1).toBe(createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex"));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(headers["switchboard-alert-id"]).toBe(alert.id);
    expect(headers["content-type"]).toBe("application/json");
    expect(JSON.parse(body)).toEqual({
      type: "usage_alert", id: alert.id, metric: "tokens", worker: "billing", runId: odd.runId, subject: odd.invocationId, value: 10_080,
      baseline: alert.baseline, score: alert.score, threshold: 3, message: alert.message, createdAt: alert.createdAt.toISOString(),
    });
    expect(await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ deliveryAttempts: 1, deliveryError: null, nextDeliveryAt: null });
    expect((await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).deliveredAt).not.toBeNull();
    // Delivered once: nothing is due any more, and it is not enqueued again.
    expect(await deliveries().runDue()).toEqual([]);
    expect(await enqueueAlertDeliveries(db)).toBe(0);
    expect(received).toHaveLength(1);
  });

  it("retries a failed delivery with backoff, and not before it is due; gives up after the last attempt", async () => {
    const now = new Date("2026-11-15T12:00:00.000Z");
    await history(25, 800, now);
    await oneInvocation(9000, new Date(now.getTime() + 1000));
    await detectAnomalies({ db, settings, since: now });
    await enqueueAlertDeliveries(db);
    answer = 500;
    const runner = deliveries();
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["retry"]);
    let alert = await db.usageAlert.findFirstOrThrow();
    expect(alert).toMatchObject({ deliveryAttempts: 1, deliveryError: "HTTP 500", deliveredAt: null });
    // The next attempt is due after the backoff (5 s), as the alert row says.
    const job = await alertJob(alert.id);
    expect(alert.nextDeliveryAt).toEqual(job.runAt);
    expect(job.runAt.getTime() - job.updatedAt.getTime()).toBe(5_000);
    // Not due yet: no second POST.
    expect(await runner.runDue()).toEqual([]);
    expect(received).toHaveLength(1);
    // Due after the backoff; the receiver is back.
    answer = 204;
    await makeDue();
    expect((await runner.runDue()).map((r) => r.result)).toEqual(["done"]);
    alert = await db.usageAlert.findFirstOrThrow();
    expect(alert).toMatchObject({ deliveryAttempts: 2, deliveryError: null, nextDeliveryAt: null });
    expect(received).toHaveLength(2);
    expect(received[1].headers["switchboard-alert-id"]).toBe(received[0].headers["switchboard-alert-id"]);
    expect(signWebhook("k".repeat(16), 1, "{}")).toMatch(/^t=1,v1=[0-9a-f]{64}$/);

    // A receiver that never recovers: the backoff doubles, and after the last attempt the alert says so.
    await db.job.deleteMany();
    await db.usageAlert.updateMany({ data: { deliveredAt: null, deliveryAttempts: 0, nextDeliveryAt: new Date() } });
    await enqueueAlertDeliveries(db);
    answer = 503;
    const waits: number[] = [];
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      await makeDue();
      expect((await runner.runDue()).map((r) => r.result)).toEqual([i < MAX_ATTEMPTS ? "retry" : "failed"]);
      const j = await alertJob(alert.id);
      if (i < MAX_ATTEMPTS) waits.push(j.runAt.getTime() - j.updatedAt.getTime());
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect(await db.usageAlert.findFirstOrThrow()).toMatchObject({ deliveryAttempts: MAX_ATTEMPTS, deliveryError: "HTTP 503", deliveredAt: null, nextDeliveryAt: null });
    expect(await alertJob(alert.id)).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(await enqueueAlertDeliveries(db)).toBe(0);
  });

  it("the webhook job posts any feature's signed JSON to its configured destination", async () => {
    const body = JSON.stringify({ type: "review_overdue", id: "r-1" });
    await enqueueWebhook(db, { key: "webhook:review_overdue:r-1", destination: ALERT_DESTINATION, body, headers: { "switchboard-review-id": "r-1" } });
    await enqueueWebhook(db, { key: "webhook:nowhere:1", destination: "nowhere", body: "{}" });
    const results = await deliveries().runDue();
    expect(results.map((r) => r.result).sort()).toEqual(["done", "failed"]);
    expect(received).toHaveLength(1);
    expect(received[0].body).toBe(body);
    expect(received[0].headers["switchboard-review-id"]).toBe("r-1");
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(received[0].headers["switchboard-signature"]))!;
    expect(v1).toBe(createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex"));
    // A destination with no webhook configured fails at once, without retries.
    expect(await db.job.findUniqueOrThrow({ where: { key: "webhook:nowhere:1" } })).toMatchObject({ status: "failed", attempts: 1, lastError: "no webhook is configured for nowhere" });
  });

  it("checks usage as a periodic job, once per interval for every process, from where the last turn stopped", async () => {
    const now = new Date();
    await history(30, 1000, now);
    const source = { current: async () => ({ version: 1, settings: { alerts: settings } }) } as unknown as SettingsSource;
    const job = () => usageAnomaliesJob({ settings: source, webhook: { url, secret: SECRET } });
    const a = new JobRunner({ db, jobs: [job()], owner: "a:1:0000" });
    const b = new JobRunner({ db, jobs: [job()], owner: "b:2:0000" });
    // The first turn looks back ten minutes: the runaway invocation raises one alert and its delivery job.
    const odd = await oneInvocation(10_000, new Date(now.getTime() - 60_000));
    await Promise.all([a.runDue(), b.runDue()]);
    expect(await db.usageAlert.count()).toBe(1);
    const alert = await db.usageAlert.findFirstOrThrow();
    expect(alert.invocationId).toBe(odd.invocationId);
    expect(await alertJob(alert.id)).toMatchObject({ status: "queued" });
    const schedule = await db.job.findUniqueOrThrow({ where: { key: scheduleKey(USAGE_ANOMALIES_JOB) } });
    expect(schedule).toMatchObject({ everyMs: 10_000, status: "queued", epoch: 1, payload: { since: expect.any(String) } });
    expect(new Date((schedule.payload as { since: string }).since).getTime()).toBe(new Date(now.getTime() - 60_000).getTime());
    // Within the interval nothing runs again.
    await Promise.all([a.runDue(), b.runDue()]);
    expect((await db.job.findUniqueOrThrow({ where: { key: scheduleKey(USAGE_ANOMALIES_JOB) } })).epoch).toBe(1);
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
