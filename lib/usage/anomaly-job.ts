import type { JobDefinition } from "../jobs/runner";
import { log } from "../log";
import type { SettingsSource } from "../orchestrator/settings";
import { detectAnomalies } from "./anomalies";
import { enqueueAlertDeliveries, type WebhookConfig } from "./webhook";

// The usage check as a periodic job: every 10 s, once across all app processes, the
// worker invocations finished since the last look are checked against the alert
// settings in force, and, with a webhook configured, each new alert gets its delivery
// job. The cursor ("the last look") is stored with the job, so a restart or another
// process carries on where the last turn stopped. Off every run's path.

export const USAGE_ANOMALIES_JOB = "usage_anomalies";
/** How far back the first turn looks (no cursor yet): invocations finished while nothing checked. */
const FIRST_LOOK_BACK_MS = 10 * 60_000;

type Cursor = { since?: string };

export function usageAnomaliesJob(opts: { settings: SettingsSource; webhook: WebhookConfig | null; everyMs?: number }): JobDefinition<Cursor> {
  return {
    kind: USAGE_ANOMALIES_JOB,
    everyMs: opts.everyMs ?? 10_000,
    concurrency: 1,
    async run({ db, job }) {
      const since = job.payload.since ? new Date(job.payload.since) : new Date(Date.now() - FIRST_LOOK_BACK_MS);
      const { settings } = await opts.settings.current();
      const result = await detectAnomalies({ db, settings: settings.alerts, since });
      if (result.created > 0) log.warn({ alerts: result.created }, "usage anomaly alerts raised");
      if (opts.webhook) await enqueueAlertDeliveries(db);
      return { payload: { since: result.seenUntil.toISOString() } satisfies Cursor };
    },
  };
}
