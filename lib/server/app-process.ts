import "server-only";
import { AREA_ROLES } from "../auth/roles";
import { getDb } from "../db/client";
import { PgRunNotifications, type RunWakeups } from "../db/run-notifications";
import { JobRunner } from "../jobs/runner";
import { createEngine, startRecoveryLoop } from "../orchestrator/engine";
import type { EngineDeps } from "../orchestrator/deps";
import { settingsSourceFor, type SettingsSource } from "../orchestrator/settings";
import { loadWorld } from "../world/fixture";
import { backgroundJobs } from "./background-jobs";

const g = globalThis as unknown as {
  switchboardEngine?: EngineDeps;
  switchboardRecovery?: AbortController;
  switchboardJobs?: JobRunner;
  switchboardWakeups?: RunWakeups;
};

/** This app process's engine (one per process; runs are shared through the database). */
export function getEngine(): EngineDeps {
  g.switchboardEngine ??= createEngine({ db: getDb(), worldAsOf: loadWorld().asOf, settings: settingsSourceFor(getDb()) });
  return g.switchboardEngine;
}

/** This process's settings source (the one its engine pins runs with). */
export function getSettingsSource(): SettingsSource {
  return getEngine().settings!;
}

/**
 * Starts this process's background work (called once at server start, from
 * instrumentation.ts): the recovery loop that resumes abandoned runs, and the job runner
 * (lib/jobs) that runs settings trials, webhook deliveries and the periodic chores.
 */
export function startBackgroundWork() {
  if (g.switchboardRecovery) return;
  g.switchboardRecovery = new AbortController();
  startRecoveryLoop(getEngine(), g.switchboardRecovery.signal, { reviewRoles: AREA_ROLES.reviews });
  g.switchboardJobs = new JobRunner({ db: getDb(), jobs: backgroundJobs({ settings: getSettingsSource() }) });
  g.switchboardJobs.start();
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
