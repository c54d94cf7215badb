// A separate process for the crash test: executes (or recovers) runs, and kills
// itself with SIGKILL at the step boundary named by CRASH_AT — no cleanup, no
// finally blocks, exactly like a power cut.
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { localModels } from "../lib/models/registry";
import { createEngine, recoverRuns } from "../lib/orchestrator/engine";
import { startRun } from "../lib/orchestrator/run-executor";
import { loadWorld } from "../lib/world/fixture";

const { DATABASE_URL, RUN_ID, CRASH_AT, MODE, MODEL_LATENCY_MS, LEASE_MS } = process.env;
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
  onBoundary(name) {
    if (name === CRASH_AT) process.kill(process.pid, "SIGKILL");
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
  await startRun(deps, RUN_ID!);
}
await db.$disconnect();
process.exit(0);
