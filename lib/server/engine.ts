import "server-only";
import { getDb } from "../db/client";
import { PgRunNotifications, type RunWakeups } from "../db/run-notifications";
import { createEngine, startRecoveryLoop } from "../orchestrator/engine";
import type { EngineDeps } from "../orchestrator/deps";
import { loadWorld } from "../world/fixture";

const g = globalThis as unknown as { switchboardEngine?: EngineDeps; switchboardRecovery?: AbortController; switchboardWakeups?: RunWakeups };

/** This app process's engine (one per process; runs are shared through the database). */
export function getEngine(): EngineDeps {
  g.switchboardEngine ??= createEngine({ db: getDb(), worldAsOf: loadWorld().asOf });
  return g.switchboardEngine;
}

/** Starts resuming abandoned runs (called once at server start, from instrumentation.ts). */
export function startBackgroundEngine() {
  if (g.switchboardRecovery) return;
  g.switchboardRecovery = new AbortController();
  startRecoveryLoop(getEngine(), g.switchboardRecovery.signal);
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
