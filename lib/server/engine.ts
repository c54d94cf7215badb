import "server-only";
import { redactAuditPayloads, retentionDaysFromEnv } from "../audit/retention";
import { AREA_ROLES } from "../auth/roles";
import { pruneRateLimits } from "../db/rate-limit";
import { getDb } from "../db/client";
import { log } from "../log";
import { PgRunNotifications, type RunWakeups } from "../db/run-notifications";
import { createEngine, startRecoveryLoop } from "../orchestrator/engine";
import type { EngineDeps } from "../orchestrator/deps";
import { settingsSourceFor, type SettingsSource } from "../orchestrator/settings";
import { JobRunner } from "../jobs/runner";
import { settingsTrialJob } from "../settings/trial-job";
import { detectAnomalies } from "../usage/anomalies";
import { deliverDueAlerts, webhookFromEnv } from "../usage/webhook";
import { loadWorld } from "../world/fixture";

const g = globalThis as unknown as { switchboardEngine?: EngineDeps; switchboardRecovery?: AbortController; switchboardJobs?: JobRunner; switchboardWakeups?: RunWakeups };

/** This app process's engine (one per process; runs are shared through the database). */
export function getEngine(): EngineDeps {
  g.switchboardEngine ??= createEngine({ db: getDb(), worldAsOf: loadWorld().asOf, settings: settingsSourceFor(getDb()) });
  return g.switchboardEngine;
}

/** This process's settings source (the one its engine pins runs with). */
export function getSettingsSource(): SettingsSource {
  return getEngine().settings!;
}

/** Starts resuming abandoned runs (called once at server start, from instrumentation.ts). */
export function startBackgroundEngine() {
  if (g.switchboardRecovery) return;
  g.switchboardRecovery = new AbortController();
  startRecoveryLoop(getEngine(), g.switchboardRecovery.signal, { reviewRoles: AREA_ROLES.reviews });
  startAuditRetention(g.switchboardRecovery.signal);
  startUsageAlerts(g.switchboardRecovery.signal);
  startRateLimitPruning(g.switchboardRecovery.signal);
  startTrialRecovery(g.switchboardRecovery.signal);
}

/**
 * This process's job runner (lib/jobs): runs settings trials ("Test this change"),
 * whichever process started them, and takes over those whose process died.
 */
function startTrialRecovery(_signal: AbortSignal) {
  g.switchboardJobs = new JobRunner({ db: getDb(), jobs: [settingsTrialJob({ source: getSettingsSource() })] });
  g.switchboardJobs.start();
}

/** Drops abuse-limit counters whose window ended a day ago (one row per client address would pile up), hourly. */
function startRateLimitPruning(signal: AbortSignal) {
  const timer = setInterval(() => {
    pruneRateLimits(getDb()).catch((err) => log.error({ err }, "rate limit pruning failed"));
  }, 3_600_000);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer));
}

/**
 * Every 10 s: checks the worker invocations finished since the last look against
 * the alert settings in force, then posts due alerts to the webhook when one is
 * configured. Off the runs' path: a slow check or a dead webhook delays nothing.
 */
function startUsageAlerts(signal: AbortSignal) {
  const webhook = webhookFromEnv();
  // On start, look back a little: invocations that finished while no process was up.
  let since = new Date(Date.now() - 10 * 60_000);
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const { settings } = await getSettingsSource().current();
      const result = await detectAnomalies({ db: getDb(), settings: settings.alerts, since });
      since = result.seenUntil;
      if (result.created > 0) log.warn({ alerts: result.created }, "usage anomaly alerts raised");
      if (webhook) await deliverDueAlerts({ db: getDb(), config: webhook });
    } catch (err) {
      log.error({ err }, "usage alert check failed");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(tick, 10_000);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer));
}

/** Removes audit payloads older than AUDIT_RETENTION_DAYS, at start and then hourly. */
function startAuditRetention(signal: AbortSignal) {
  const days = retentionDaysFromEnv();
  if (days === null) return;
  const sweep = () =>
    redactAuditPayloads({ db: getDb(), before: new Date(Date.now() - days * 86_400_000) })
      .then((n) => n > 0 && log.info({ redacted: n, days }, "audit payloads past retention redacted"))
      .catch((err) => log.error({ err }, "audit retention sweep failed"));
  void sweep();
  const timer = setInterval(sweep, 3_600_000);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer));
}

/**
 * This process's listener for run events stored by any process (LISTEN/NOTIFY on one
 * dedicated connection), opened at the first follower.
 */
export function getRunWakeups(): RunWakeups {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  g.switchboardWakeups ??= new PgRunNotifications({ connectionString: url });
  return g.switchboardWakeups;
}
