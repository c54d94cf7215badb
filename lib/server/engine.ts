import "server-only";
import { getDb } from "../db/client";
import { createEngine, startRecoveryLoop } from "../orchestrator/engine";
import type { EngineDeps } from "../orchestrator/deps";
import { loadWorld } from "../world/fixture";

const g = globalThis as unknown as { switchboardEngine?: EngineDeps; switchboardRecovery?: AbortController };

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
