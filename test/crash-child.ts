// A separate process for the crash test: executes (or recovers) runs, and kills
// itself with SIGKILL at the step boundary named by CRASH_AT — no cleanup, no
// finally blocks, exactly like a power cut. With STOP_AT it stops itself with SIGSTOP
// at that boundary instead (a process paused past its lease: swapped out, a long GC,
// a debugger): whoever continues it finds out what it does next. It prints the drive's
// result ("result:<completed|lease_lost|…>") on stdout.
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { localModels } from "../lib/models/registry";
import { createEngine, recoverRuns } from "../lib/orchestrator/engine";
import { startRun } from "../lib/orchestrator/run-executor";
import { loadWorld } from "../lib/world/fixture";

const { DATABASE_URL, RUN_ID, CRASH_AT, STOP_AT, MODE, MODEL_LATENCY_MS, LEASE_MS } = process.env;
const world = loadWorld();
const db = createDb(DATABASE_URL!, 5);
const deps = createEngine({
  db,
  worldAsOf: world.asOf,
  clock: fixedClock(world.asOf),
  // A latency spreads the workers' finishes apart, and an instant synthesis starts each
  // part before the next worker is done, so the reply is written in several parts. The
  // account worker's calls take twice as long and technical support's four times (billing
  // 3 calls, account 4, technical support 3): finishes about 500 ms apart, so each worker
  // gets a part of its own even on a loaded machine. With one latency for all, billing and
  // technical support finish within a few ms of each other and share a part.
  models: {
    ...localModels(Number(MODEL_LATENCY_MS ?? 0)),
    account: localModels(2 * Number(MODEL_LATENCY_MS ?? 0)).account,
    tech_support: localModels(4 * Number(MODEL_LATENCY_MS ?? 0)).tech_support,
    synthesis: localModels(0).synthesis,
  },
  leaseMs: Number(LEASE_MS ?? 1_000),
  async onBoundary(name) {
    if (name === CRASH_AT) process.kill(process.pid, "SIGKILL");
    if (name === STOP_AT) {
      process.stdout.write(`stopped:${name}\n`);
      process.kill(process.pid, "SIGSTOP");
      // Continued: let the timers that fell due while stopped (the lease's heartbeat) run first, as they would.
      await new Promise((r) => setTimeout(r, 0));
    }
  },
});

if (MODE === "recover") {
  const deadline = Date.now() + 20_000;
  // Wait out the dead process's lease, then take the run over.
  while (Date.now() < deadline) {
    await recoverRuns(deps);
    const open = await db.run.count({ where: { status: { in: ["queued", "running"] } } });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 300));
  }
} else {
  process.stdout.write(`result:${await startRun(deps, RUN_ID!)}\n`);
}
await db.$disconnect();
process.exit(0);
