import { redactAuditPayloads, retentionDaysFromEnv } from "../audit/retention";
import type { Db } from "../db/client";
import { pruneRateLimits } from "../db/rate-limit";
import type { JobDefinition } from "../jobs/runner";
import { webhookJob } from "../jobs/webhook";
import { log } from "../log";
import type { SettingsSource } from "../orchestrator/settings";
import { sweepAbandonedInvocations } from "../orchestrator/store";
import { settingsTrialJob } from "../settings/trial-job";
import { usageAnomaliesJob } from "../usage/anomaly-job";
import { ALERT_DESTINATION, alertReceipt, webhookFromEnv } from "../usage/webhook";

// Every kind of background job an app process runs (its one runner is started by
// ./engine.ts). The periodic ones are one row each, run once per interval across all
// processes; the rest are enqueued by the features: settings trials ("Test this
// change") and webhook deliveries (usage alerts).

const HOUR = 3_600_000;

/** The job kinds of an app process, built from the environment (`env`) and this process's settings source. */
export function backgroundJobs(opts: { settings: SettingsSource; env?: Record<string, string | undefined> }): JobDefinition[] {
  const env = opts.env ?? process.env;
  const webhook = webhookFromEnv(env);
  const retentionDays = retentionDaysFromEnv(env as NodeJS.ProcessEnv);
  return [
    settingsTrialJob({ source: opts.settings }),
    webhookJob({ destinations: { [ALERT_DESTINATION]: webhook }, receipts: { usage_alert: alertReceipt } }),
    usageAnomaliesJob({ settings: opts.settings, webhook }),
    periodic("rate_limit_pruning", HOUR, async (db) => {
      // Counters whose window ended a day ago: one row per client address would pile up.
      const n = await pruneRateLimits(db);
      if (n > 0) log.debug({ pruned: n }, "rate limit counters pruned");
    }),
    periodic("audit_retention", HOUR, async (db) => {
      // Payloads older than AUDIT_RETENTION_DAYS (unset: kept forever, nothing to do).
      if (retentionDays === null) return;
      const n = await redactAuditPayloads({ db, before: new Date(Date.now() - retentionDays * 86_400_000) });
      if (n > 0) log.info({ redacted: n, days: retentionDays }, "audit payloads past retention redacted");
    }),
    periodic("invocation_sweep", 20_000, async (db) => {
      // Worker attempts a claim or a run's finish had to skip (a stopped process held them).
      await sweepAbandonedInvocations(db);
    }),
  ];
}

function periodic(kind: string, everyMs: number, work: (db: Db) => Promise<void>): JobDefinition {
  return { kind, everyMs, concurrency: 1, run: ({ db }) => work(db) };
}
