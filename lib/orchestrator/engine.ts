import { clockFromEnv, type Clock } from "../clock";
import type { Db } from "../db/client";
import { isDatabaseBusy } from "../db/transient";
import { log as rootLog } from "../log";
import { intentClassifierFromEnv, modelsFromEnv, modelWithIdFromEnv, type Models } from "../models/registry";
import { connectWorkerTools } from "../tools/mcp-client";
import { workers as defaultWorkers } from "../workers/registry";
import type { EngineDeps } from "./deps";
import { RunEventBus } from "./event-bus";
import { driveRun, runsDrivenBy, startRun } from "./run-executor";
import { deadLocalOwners, localOwnerPattern, processOwnerId } from "../db/process-identity";
import { resumeAbandonedRetries } from "./review-retry";
import { claimRunnableRuns, createRun, liveLeaseOwners } from "./store";

/** Engine dependencies with production defaults; tests override what they need. */
export function createEngine(opts: { db: Db; worldAsOf: string } & Partial<Omit<EngineDeps, "db">>): EngineDeps {
  const clock: Clock = opts.clock ?? clockFromEnv(opts.worldAsOf);
  const workers = opts.workers ?? defaultWorkers;
  const models: Models = opts.models ?? modelsFromEnv(process.env, Object.keys(workers));
  return {
    db: opts.db,
    models,
    // An explicit `classifier: undefined` turns tiered delegation off.
    classifier: "classifier" in opts ? opts.classifier : intentClassifierFromEnv(),
    clock,
    workers,
    connectTools: opts.connectTools ?? ((server, scope) => connectWorkerTools({ server, ctx: scope })),
    bus: opts.bus ?? new RunEventBus(),
    log: opts.log ?? rootLog.child({ component: "engine" }),
    owner: opts.owner ?? processOwnerId(),
    // Short, often renewed (every quarter): a run whose process died is taken over
    // within about 3.5 s (the recovery loop polls every 0.5 s), never while its owner
    // still renews; at the next poll when its owner ran on this machine and is certainly
    // gone (../db/process-identity).
    leaseMs: opts.leaseMs ?? 3_000,
    retryBackoffMs: opts.retryBackoffMs ?? 300,
    fastPathConfidence: opts.fastPathConfidence ?? 0.85,
    workerConcurrency: opts.workerConcurrency ?? Number.POSITIVE_INFINITY,
    // SWITCHBOARD_PROGRESSIVE_SYNTHESIS=0 writes the reply in one call after the slowest worker.
    progressiveSynthesis: opts.progressiveSynthesis ?? process.env.SWITCHBOARD_PROGRESSIVE_SYNTHESIS !== "0",
    // Without a source (most tests) runs use the registry's definitions as they are;
    // the app and the CLIs pass settingsSourceFor(db).
    settings: opts.settings,
    modelWithId: opts.modelWithId ?? modelWithIdFromEnv(),
    onBoundary: opts.onBoundary,
  };
}

/**
 * Records the customer's message as a run and starts executing it in the
 * background: the run goes on whether or not the caller stays connected.
 */
export async function submitMessage(
  deps: EngineDeps,
  input: { customerId: string; message: string; conversationId?: string; idempotencyKey?: string },
) {
  const { run, created } = await createRun(deps.db, input);
  const done = created ? startRun(deps, run.id) : Promise.resolve("not_claimed" as const);
  done.catch((err) => deps.log.error({ err, runId: run.id }, "run crashed"));
  return { run, created, done };
}

/** Claims and finishes every run left queued or abandoned (expired lease), e.g. after a crash. */
export async function recoverRuns(deps: EngineDeps, limit = 10) {
  const claimed = await claimRunnableRuns(deps.db, deps.owner, deps.leaseMs, new Date(), limit, runsDrivenBy(deps.owner), await deadOwners(deps));
  return Promise.all(claimed.map(async ({ id, epoch }) => ({ id, result: await driveRun(deps, id, epoch) })));
}

/** Lease owners on this machine that are certainly gone: their runs need not wait for the lease. */
async function deadOwners(deps: EngineDeps): Promise<string[]> {
  const local = localOwnerPattern();
  if (!local) return [];
  return deadLocalOwners(await liveLeaseOwners(deps.db, new Date(), local), deps.owner);
}

/**
 * Polls for abandoned runs until `signal` aborts (one per app process). Each poll claims
 * what is runnable now and drives it in the background: a run whose lease expires a
 * moment after a batch was claimed is taken at the next poll, not after that batch.
 */
export function startRecoveryLoop(deps: EngineDeps, signal: AbortSignal, opts: { everyMs?: number; maxInFlight?: number; reviewRoles?: readonly string[] } = {}) {
  const everyMs = opts.everyMs ?? 500;
  const maxInFlight = opts.maxInFlight ?? 50;
  const inFlight = new Set<string>();
  // Attempts a claim or a finish had to skip (a stopped process held them) are swept by
  // a periodic job (invocation_sweep, lib/server/background-jobs.ts), once for all processes.
  const tick = async () => {
    if (signal.aborted) return;
    try {
      // Ten a poll spreads ordinary work over the processes; a dead owner's runs are all
      // taken at once (the process driving them starts its first runs' CPU-heavy work at
      // once, which would delay its next poll by more than the poll interval).
      const dead = await deadOwners(deps);
      const room = Math.min(dead.length ? maxInFlight : 10, maxInFlight - inFlight.size);
      const claimed = room > 0 ? await claimRunnableRuns(deps.db, deps.owner, deps.leaseMs, new Date(), room, runsDrivenBy(deps.owner), dead) : [];
      for (const { id, epoch } of claimed) {
        inFlight.add(id);
        driveRun(deps, id, epoch)
          .catch((err) => deps.log.error({ err, runId: id }, "recovered run crashed"))
          .finally(() => inFlight.delete(id));
      }
      // Reviewers' retries of failed parts whose process died are finished too.
      if (opts.reviewRoles) await resumeAbandonedRetries(deps, { allowedRoles: opts.reviewRoles });
    } catch (err) {
      // A database too busy this turn (the embedded one has a single session) is tried
      // again at the next poll: a warning, not an error.
      if (isDatabaseBusy(err)) deps.log.warn({ err }, "recovery skipped a turn: the database was too busy");
      else deps.log.error({ err }, "recovery failed");
    }
    if (!signal.aborted) setTimeout(tick, everyMs).unref?.();
  };
  void tick();
}
