import { z } from "zod";
import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";

// Reading and acknowledging usage alerts. Acknowledging is a compare-and-set on
// acknowledgedAt (two admins cannot both acknowledge one alert) written in the same
// transaction as its audit entry.

export const alertIdSchema = z.string().uuid();

/** Alerts newest first: the open ones, then the acknowledged ones of the last `days` days. */
export async function listAlerts({ db, limit = 50 }: { db: Db; limit?: number }) {
  const [open, acknowledged] = await Promise.all([
    db.usageAlert.findMany({ where: { acknowledgedAt: null }, orderBy: { createdAt: "desc" }, take: limit }),
    db.usageAlert.findMany({ where: { acknowledgedAt: { not: null } }, orderBy: { acknowledgedAt: "desc" }, take: 10 }),
  ]);
  return { open, acknowledged };
}

/** How many alerts nobody has acknowledged yet (the count in the navigation). */
export function countOpenAlerts({ db }: { db: Db }): Promise<number> {
  return db.usageAlert.count({ where: { acknowledgedAt: null } });
}

export type AcknowledgeResult = { ok: true } | { ok: false; error: "not_found" | "already_acknowledged" };

/** Marks an alert acknowledged by `staffEmail`, once, with its audit entry. */
export async function acknowledgeAlert({ db, alertId, staffEmail }: { db: Db; alertId: string; staffEmail: string }): Promise<AcknowledgeResult> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.usageAlert.updateMany({ where: { id: alertId, acknowledgedAt: null }, data: { acknowledgedAt: new Date(), acknowledgedBy: staffEmail } });
    if (count === 0) {
      const exists = await tx.usageAlert.count({ where: { id: alertId } });
      return { ok: false, error: exists ? "already_acknowledged" : "not_found" } as const;
    }
    const alert = await tx.usageAlert.findUniqueOrThrow({ where: { id: alertId }, select: { runId: true, metric: true, worker: true } });
    await appendAudit(tx, { kind: "alert_acknowledged", actor: staffEmail, runId: alert.runId, subject: `usage_alert:${alertId}`, payload: { metric: alert.metric, worker: alert.worker } });
    return { ok: true } as const;
  });
}
