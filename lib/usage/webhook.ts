import { z } from "zod";
import type { Db, Tx } from "../db/client";
import { enqueueWebhook, WEBHOOK_MAX_ATTEMPTS, type WebhookReceipt } from "../jobs/webhook";
import { log } from "../log";

// Posting usage alerts to a webhook (ALERT_WEBHOOK_URL). Each alert to deliver is a
// webhook job (lib/jobs/webhook.ts, key `webhook:usage_alert:<id>`), never work on a
// run's path: signed (`Switchboard-Signature`, under ALERT_WEBHOOK_SECRET), its id as
// `Switchboard-Alert-Id` for deduplication, retried through the job's backoff (5 s,
// 10 s, 20 s … up to MAX_ATTEMPTS). Each attempt's end is written on the alert row in
// the job's own settling transaction (`alertReceipt`): the console shows it.

export { signWebhook } from "../jobs/webhook";
export const MAX_ATTEMPTS = WEBHOOK_MAX_ATTEMPTS;
/** The destination name usage alerts are posted to (lib/jobs/webhook.ts maps it to the configured webhook). */
export const ALERT_DESTINATION = "alerts";

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

type AlertRow = {
  id: string; metric: string; worker: string; runId: string; invocationId: string; value: number;
  baseline: number | null; score: number | null; threshold: number; message: string; createdAt: Date;
};

/** The JSON an alert is posted as. */
function alertWebhookBody(alert: AlertRow): string {
  return JSON.stringify({
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
}

/**
 * Enqueues a delivery job for every alert still to deliver that has none yet (the new
 * ones, and any stored while no webhook was configured); returns how many. Idempotent:
 * the job's key is the alert's, so two processes, or a retry of this, enqueue each once.
 */
export async function enqueueAlertDeliveries(db: Db | Tx, limit = 100): Promise<number> {
  const due = await db.$queryRaw<AlertRow[]>`
    SELECT a.id, a.metric, a.worker, a."runId", a."invocationId", a.value, a.baseline, a.score, a.threshold, a.message, a."createdAt"
    FROM usage_alerts a
    WHERE a."deliveredAt" IS NULL AND a."nextDeliveryAt" IS NOT NULL AND a."deliveryAttempts" < ${MAX_ATTEMPTS}
      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.key = 'webhook:usage_alert:' || a.id)
    ORDER BY a."createdAt" LIMIT ${limit}`;
  let enqueued = 0;
  for (const alert of due) {
    const { created } = await enqueueWebhook(db, {
      key: `webhook:usage_alert:${alert.id}`,
      destination: ALERT_DESTINATION,
      body: alertWebhookBody(alert),
      headers: { "switchboard-alert-id": alert.id },
      about: { kind: "usage_alert", id: alert.id },
    });
    if (created) enqueued++;
  }
  return enqueued;
}

/**
 * An attempt's end on the alert row: the attempts so far, then delivered, or the error
 * and when the next attempt is due, or (the last one failed) the error alone.
 */
export const alertReceipt: WebhookReceipt = async (tx, alertId, outcome, attempts) => {
  if (outcome.status === "done") {
    await tx.usageAlert.updateMany({ where: { id: alertId }, data: { deliveryAttempts: attempts, deliveredAt: new Date(), nextDeliveryAt: null, deliveryError: null } });
    return;
  }
  const last = outcome.status === "failed";
  await tx.usageAlert.updateMany({
    where: { id: alertId },
    data: { deliveryAttempts: attempts, deliveryError: outcome.error, nextDeliveryAt: outcome.status === "retry" ? outcome.nextRunAt : null },
  });
  log.warn({ alertId, attempt: attempts, error: outcome.error }, last ? "alert webhook: gave up" : "alert webhook: delivery failed, will retry");
};
