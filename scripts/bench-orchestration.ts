// The engine's own cost per run at 0 ms per model call, on a real database with full
// persistence: the same 3-worker message with the local model and with a scripted
// model that replays the local model's answers and computes nothing (./bench-scripted),
// so that orchestration (persistence, tools, events, audit) and the local model's
// compute are measured apart, in wall time and in this process's CPU time; the same
// message again with the workers' results in the worker cache; throughput with several
// clients submitting back to back; and the SQL statements a run sends.
import { PrismaPg } from "@prisma/adapter-pg";
import { fixedClock } from "../lib/clock";
import type { IntentClassifier } from "../lib/contracts";
import type { Db } from "../lib/db/client";
import { resetWorld } from "../lib/db/seed";
import { PrismaClient } from "../lib/generated/prisma/client";
import { intentClassifierFromEnv, localModels, type Models } from "../lib/models/registry";
import { createEngine, submitMessage } from "../lib/orchestrator/engine";
import { startRun } from "../lib/orchestrator/run-executor";
import { createRun } from "../lib/orchestrator/store";
import type { World } from "../lib/world/fixture";
import { recording, scripted, type Recording } from "./bench-scripted";
import { median, percentile } from "../lib/stats";

/** A database client that counts the statements it sends (Prisma's query events: every statement and every COMMIT). */
export function countingDb(url: string, max = 10) {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }), log: [{ emit: "event", level: "query" }] });
  const counter = { statements: 0, byText: new Map<string, number>() };
  db.$on("query", (e) => {
    counter.statements++;
    const key = e.query.replace(/\s+/g, " ").slice(0, 160);
    counter.byText.set(key, (counter.byText.get(key) ?? 0) + 1);
  });
  return { db: db as Db, counter };
}

export interface RunCost {
  wallMs: number;
  cpuMs: number;
  statements: number;
  status: string;
  cacheHits: number;
}

/** One run of `message` on a freshly reset world, timed from creation to its end. */
async function timedRun(db: Db, counter: { statements: number }, world: World, models: Models, classifier: IntentClassifier | undefined, customerId: string, message: string, reset = true): Promise<RunCost> {
  const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models, classifier });
  if (reset) await resetWorld(db, world);
  const q0 = counter.statements;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { run } = await createRun(db, { customerId, message });
  const status = await startRun(deps, run.id);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const statements = counter.statements - q0;
  const cacheHits = await db.workerInvocation.count({ where: { runId: run.id, cacheHit: true } });
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, statements, status, cacheHits };
}

/**
 * `repeats` pairs of runs of `message`: the local model at 0 ms (recorded), then the
 * scripted model replaying that recording. Returns both series.
 */
export async function orchestrationCost(opts: { db: Db; counter: { statements: number }; world: World; customerId: string; message: string; repeats: number }) {
  const local: RunCost[] = [];
  const script: RunCost[] = [];
  let rec: Recording | null = null;
  const roles = Object.keys(localModels(0));
  for (let i = 0; i < opts.repeats + 1; i++) {
    const r = recording(localModels(0), intentClassifierFromEnv());
    const l = await timedRun(opts.db, opts.counter, opts.world, r.models, r.classifier, opts.customerId, opts.message);
    rec = r.recording;
    const s = scripted(rec, roles);
    const o = await timedRun(opts.db, opts.counter, opts.world, s.models, s.classifier, opts.customerId, opts.message);
    if (i === 0) continue; // the first pair warms up (JIT, connections, classifier training)
    local.push(l);
    script.push(o);
  }
  return { local, scripted: script, recording: rec! };
}

/** The same message twice without a reset: the second run's workers find their results in the worker cache. */
export async function cacheHitCost(opts: { db: Db; counter: { statements: number }; world: World; customerId: string; message: string; repeats: number }) {
  const first: RunCost[] = [];
  const again: RunCost[] = [];
  for (let i = 0; i < opts.repeats + 1; i++) {
    const a = await timedRun(opts.db, opts.counter, opts.world, localModels(0), intentClassifierFromEnv(), opts.customerId, opts.message);
    const b = await timedRun(opts.db, opts.counter, opts.world, localModels(0), intentClassifierFromEnv(), opts.customerId, opts.message, false);
    if (i === 0) continue;
    first.push(a);
    again.push(b);
  }
  return { first, again };
}

/**
 * `clients` clients, each a different customer, each submitting the message as soon as
 * its previous run has finished, for `seconds`, with the local model at 0 ms on one
 * in-process engine. Runs/s counts the runs finished in the window.
 */
export async function throughput(opts: { db: Db; world: World; clients: number; seconds: number; message: string }) {
  await resetWorld(opts.db, opts.world);
  const deps = createEngine({ db: opts.db, worldAsOf: opts.world.asOf, clock: fixedClock(opts.world.asOf), models: localModels(0) });
  const customers = opts.world.customers.map((c) => c.id);
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, i) => {
      const customerId = customers[i % customers.length];
      while (performance.now() < end) {
        const started = performance.now();
        const { done } = await submitMessage(deps, { customerId, message: opts.message });
        const status = await done;
        latencies.push(performance.now() - started);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    clients: opts.clients,
    runs: latencies.length,
    runsPerS: latencies.length / elapsedS,
    p50Ms: median(latencies),
    p95Ms: percentile(latencies, 95),
    cpuPerRunMs: (cpu.user + cpu.system) / 1000 / latencies.length,
    statuses: Object.fromEntries(statuses),
  };
}
