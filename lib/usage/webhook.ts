import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { log } from "../log";

// Posting usage alerts to a webhook (ALERT_WEBHOOK_URL). A background loop delivers
// them, never a run. Each POST is signed: `Switchboard-Signature: t=<unix seconds>,
// v1=<hex HMAC-SHA256 of "<t>.<body>" under ALERT_WEBHOOK_SECRET>`, so the receiver can
// check the sender and refuse replays (compare t with its clock). An attempt is
// claimed by compare-and-set on deliveryAttempts, so two app processes never post the
// same attempt; a failure is retried with exponential backoff (5 s, 10 s, 20 s … up
// to MAX_ATTEMPTS); the alert id travels as `Switchboard-Alert-Id` for deduplication.

export const MAX_ATTEMPTS = 6;
const BASE_BACKOFF_MS = 5_000;
const TIMEOUT_MS = 5_000;

const configSchema = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), "must be http(s)"),
  secret: z.string().min(16, "ALERT_WEBHOOK_SECRET must be at least 16 characters"),
});
export type WebhookConfig = z.infer<typeof configSchema>;

/** The webhook from the environment, or null when none is configured. Throws on a half or bad configuration. */
export function webhookFromEnv(env: Record<string, string | undefined> = process.env): WebhookConfig | null {
  if (!env.ALERT_WEBHOOK_URL) return null;
  const parsed = configSchema.safeParse({ url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET ?? "" });
  if (!parsed.success) throw new Error(`alert webhook: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data;
}

/** The signature header for `body` sent at `t` (seconds). */
export function signWebhook(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** Backoff before attempt `n + 1` after `n` failed ones. */
export function backoffMs(failedAttempts: number): number {
  return BASE_BACKOFF_MS * 2 ** Math.max(0, failedAttempts - 1);
}

/**
 * Delivers the alerts that are due; returns how many were delivered. `fetchImpl` and
 * `now` are injectable for tests.
 */
export async function deliverDueAlerts({ db, config, fetchImpl = fetch, now = () => new Date() }: { db: Db; config: WebhookConfig; fetchImpl?: typeof fetch; now?: () => Date }): Promise<number> {
  const due = await db.usageAlert.findMany({
    where: { deliveredAt: null, nextDeliveryAt: { lte: now() }, deliveryAttempts: { lt: MAX_ATTEMPTS } },
    orderBy: { createdAt: "asc" },
    take: 20,
  });
  let delivered = 0;
  for (const alert of due) {
    // Claim this attempt: a process that loses the race skips the alert.
    const claim = await db.usageAlert.updateMany({
      where: { id: alert.id, deliveredAt: null, deliveryAttempts: alert.deliveryAttempts },
      data: { deliveryAttempts: alert.deliveryAttempts + 1, nextDeliveryAt: new Date(now().getTime() + backoffMs(alert.deliveryAttempts + 1)) },
    });
    if (claim.count === 0) continue;
    const body = JSON.stringify({
      type: "usage_alert",
      id: alert.id,
      metric: alert.metric,
      worker: alert.worker,
      runId: alert.runId,
      subject: alert.invocationId,
      value: alert.value,
      baseline: alert.baseline,
      score: alert.score,
      threshold: alert.threshold,
      message: alert.message,
      createdAt: alert.createdAt.toISOString(),
    });
    const t = Math.floor(now().getTime() / 1000);
    let error: string | null = null;
    try {
      const res = await fetchImpl(config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "switchboard-signature": signWebhook(config.secret, t, body), "switchboard-alert-id": alert.id },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message.slice(0, 200);
    }
    if (error === null) {
      await db.usageAlert.update({ where: { id: alert.id }, data: { deliveredAt: now(), nextDeliveryAt: null, deliveryError: null } });
      delivered++;
    } else {
      const last = alert.deliveryAttempts + 1 >= MAX_ATTEMPTS;
      await db.usageAlert.update({ where: { id: alert.id }, data: { deliveryError: error, ...(last ? { nextDeliveryAt: null } : {}) } });
      log.warn({ alertId: alert.id, attempt: alert.deliveryAttempts + 1, error }, last ? "alert webhook: gave up" : "alert webhook: delivery failed, will retry");
    }
  }
  return delivered;
}
