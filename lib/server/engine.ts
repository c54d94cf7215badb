import "server-only";
import { redactAuditPayloads, retentionDaysFromEnv } from "../audit/retention";
import { getDb } from "../db/client";
import { log } from "../log";
import { PgRunNotifications, type RunWakeups } from "../db/run-notifications";
import { createEngine, startRecoveryLoop } from "../orchestrator/engine";
import type { EngineDeps } from "../orchestrator/deps";
import { settingsSourceFor, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";

const g = globalThis as unknown as { switchboardEngine?: EngineDeps; switchboardRecovery?: AbortController; switchboardWakeups?: RunWakeups };

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
  startRecoveryLoop(getEngine(), g.switchboardRecovery.signal);
  startAuditRetention(g.switchboardRecovery.signal);
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
