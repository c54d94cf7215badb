// Profiles the orchestration of one 3-worker run without the model's compute: the
// local model answers once (recorded), then PROFILE_RUNS (30) runs replay it with the
// scripted model on a scratch database, each on a freshly reset world. Prints the
// median wall and CPU per run and the SQL statements a run sends, most frequent first.
//
//   DATABASE_URL=... PROFILE_CPU_DIR=/tmp/prof npx tsx scripts/profile-orchestration.ts
//
// With PROFILE_CPU_DIR, V8's CPU profiler (what `node --cpu-prof` uses) records each
// run alone, from its creation to its end, into one .cpuprofile per run there (the
// world resets between runs are left out).
// (PROFILE_MODEL=local runs the local model instead, to profile its compute.)
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { fixedClock } from "../lib/clock";
import { createScratchDatabase } from "../lib/db/scratch";
import { resetWorld } from "../lib/db/seed";
import { intentClassifierFromEnv, localModels } from "../lib/models/registry";
import { createEngine } from "../lib/orchestrator/engine";
import { startRun } from "../lib/orchestrator/run-executor";
import { createRun } from "../lib/orchestrator/store";
import { loadWorld } from "../lib/world/fixture";
import { median } from "../lib/stats";
import { countingDb } from "./bench-orchestration";
import { recording, scripted } from "./bench-scripted";
import { exitAfterFlush } from "./exit-after-flush";

const RUNS = Number(process.env.PROFILE_RUNS ?? 30);
const MESSAGE = process.env.PROFILE_MESSAGE ?? "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";
const world = loadWorld();
const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_profile");
const { db, counter } = countingDb(scratch.url);
try {
  const r = recording(localModels(0), intentClassifierFromEnv());
  await resetWorld(db, world);
  const first = await createRun(db, { customerId: "C-1001", message: MESSAGE });
  await startRun(createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: r.models, classifier: r.classifier }), first.run.id);
  const roles = Object.keys(localModels(0));
  const walls: number[] = [];
  const cpus: number[] = [];
  const statements: number[] = [];
  const byText = new Map<string, number>();
  const profileDir = process.env.PROFILE_CPU_DIR;
  const inspector = profileDir ? new Session() : null;
  if (inspector && profileDir) {
    fs.mkdirSync(profileDir, { recursive: true });
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.setSamplingInterval", { interval: 200 });
  }
  for (let i = 0; i < RUNS; i++) {
    const s = process.env.PROFILE_MODEL === "local" ? { models: localModels(0), classifier: intentClassifierFromEnv() } : scripted(r.recording, roles);
    const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: s.models, classifier: s.classifier });
    await resetWorld(db, world);
    counter.byText.clear();
    const q0 = counter.statements;
    await inspector?.post("Profiler.start");
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    const status = await startRun(deps, run.id);
    walls.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    if (inspector && profileDir) {
      const { profile } = await inspector.post("Profiler.stop");
      fs.writeFileSync(path.join(profileDir, `run-${String(i).padStart(3, "0")}.cpuprofile`), JSON.stringify(profile));
    }
    cpus.push((cpu.user + cpu.system) / 1000);
    statements.push(counter.statements - q0);
    if (status !== "completed" && status !== "awaiting_review") throw new Error(`run ended ${status}`);
    for (const [k, n] of counter.byText) byText.set(k, (byText.get(k) ?? 0) + n);
  }
  console.log(`${RUNS} runs (${process.env.PROFILE_MODEL === "local" ? "local" : "scripted"} model): wall median ${median(walls).toFixed(1)} ms, CPU median ${median(cpus).toFixed(1)} ms, statements per run ${median(statements)}`);
  console.log("statements per run, most frequent first:");
  for (const [k, n] of [...byText].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(n / RUNS).toFixed(1).padStart(6)}  ${k}`);
} finally {
  await db.$disconnect();
  await scratch.drop();
}
await exitAfterFlush(0);
