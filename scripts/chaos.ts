// `npm run chaos [-- --modes sigkill,cluster,pgterm,mcp,sigstop,sigstop_short,slow_commit,retry_kill,two_runs --trials 50 --latency 300]`:
// real `next start` processes over a real PostgreSQL, the local model at a few
// hundred ms per call, and faults at random moments of concurrent runs with side
// effects. After every round the checker holds each run against the side-effect
// ledger and the world. See docs/CHAOS.md. Exits 1 if any count is nonzero.
//
// Needs a PostgreSQL server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres):
// each mode gets its own scratch database, dropped at the end. Only localhost traffic.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { clockFromEnv } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { createScratchDatabase, type ScratchDatabase } from "../lib/db/scratch";
import { seedIfEmpty } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";
import { addCounts, emptyCounts } from "./chaos/check";
import { exitAfterFlush } from "./exit-after-flush";
import { stopApp, type AppProcess } from "./chaos/cluster";
import { MODES, runMode, type ModeName, type ModeResult } from "./chaos/modes";

const { values } = parseArgs({
  options: {
    modes: { type: "string", default: MODES.join(",") },
    trials: { type: "string", default: "50" },
    latency: { type: "string", default: "300" },
    "deadline-min": { type: "string", default: "40" },
    build: { type: "boolean", default: false },
    keep: { type: "boolean", default: false }, // keep the scratch databases to inspect findings
  },
});
const modes = values.modes.split(",").map((m) => m.trim()) as ModeName[];
for (const m of modes) if (!MODES.includes(m)) throw new Error(`unknown mode ${m} (modes: ${MODES.join(", ")})`);
const trials = Number(values.trials);
const latency = Number(values.latency);
const deadline = Date.now() + Number(values["deadline-min"]) * 60_000;
const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const world = loadWorld();

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-chaos-"));
const findingsFile = path.join(logDir, "findings.jsonl");
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

// One build for every process (next start serves .next).
if (values.build || !fs.existsSync(".next/BUILD_ID")) {
  log("building the app (next build)…");
  execFileSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: ["ignore", "ignore", "inherit"] });
}

const started: AppProcess[] = [];
const scratches: ScratchDatabase[] = [];
let cleaning: Promise<void> | undefined;
async function cleanup() {
  cleaning ??= (async () => {
    const t = Date.now();
    await Promise.all(started.map((a) => stopApp(a).catch(() => {})));
    if (values.keep) return log(`kept databases: ${scratches.map((s) => new URL(s.url).pathname.slice(1)).join(", ")}`);
    for (const s of scratches) await s.drop().catch((err) => log(`could not drop a scratch database: ${(err as Error).message}`));
    if (scratches.length) log(`cleanup: ${scratches.length} scratch databases dropped (${Date.now() - t} ms)`);
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the app processes and dropping the scratch databases`);
    void cleanup().finally(() => exitAfterFlush(130));
  });
}

log(`chaos: modes ${modes.join(", ")}; ${trials} trials each; model latency ${latency} ms per call; logs in ${logDir}`);
const results: ModeResult[] = [];
let fatal: Error | undefined;
try {
  for (const mode of modes) {
    const scratch = await createScratchDatabase(serverUrl, `switchboard_chaos_${mode}`);
    scratches.push(scratch);
    // Our own sessions are named "chaos": fault injection never touches them.
    const ours = new URL(scratch.url);
    ours.searchParams.set("application_name", "chaos");
    const pool = new pg.Pool({ connectionString: ours.toString(), max: 6 });
    // A client still checked out when the mode ends (a check cut short by a hang) is
    // ended by the database's forced drop; that must not crash the script before it
    // prints its summary.
    pool.on("error", (err) => log(`chaos pool: ${err.message}`));
    const db = createDb(ours.toString(), 6);
    try {
      await seedIfEmpty(db, world);
      log(`── ${mode}: database ${new URL(scratch.url).pathname.slice(1)}`);
      const result = await runMode(mode, {
        cluster: { dbUrl: scratch.url, logDir, modelLatencyMs: latency },
        database: new URL(scratch.url).pathname.slice(1),
        ctx: { pool, db, reviews: { db, clock: clockFromEnv(world.asOf) } },
        trials,
        deadline,
        log,
        onFinding: (m, f) => {
          fs.appendFileSync(findingsFile, JSON.stringify({ mode: m, ...f }) + "\n");
          log(`  ✗ ${f.kind} run=${f.runId ?? "-"} ${f.customerId ?? ""}: ${f.detail}`);
          if (f.kind === "inconsistent" && f.evidence) {
            for (const c of f.evidence.toolCalls) log(`      attempt ${c.attempt} ${c.tool}${c.isError ? " (error)" : ""} → ${c.result.slice(0, 160)}`);
            for (const e of f.evidence.errors) log(`      error event: ${e.slice(0, 160)}`);
          }
        },
        started,
      });
      results.push(result);
      const c = result.counts;
      const timing = Object.entries(result.timing).map(([k, v]) => `${k}=${v}`).join(" ");
      const faults = Object.entries(result.faults).map(([k, v]) => `${k}=${v}`).join(" ");
      log(
        `${mode}: trials=${result.trials} rounds=${result.rounds} runs=${c.runs} lost=${c.lost} doubled=${c.doubled} stuck=${c.stuck} ` +
          `duplicate_replies=${c.duplicate_replies} missing_replies=${c.missing_replies} duplicate_followups=${c.duplicate_followups} ` +
          `missing_followups=${c.missing_followups} inconsistent=${c.inconsistent} after_finish=${c.after_finish} running_left=${c.running_left} stale_writes=${c.stale_writes} retry_refused=${c.retry_refused} reviews_decided=${result.decisions} raced=${result.racedDecisions} ` +
          `${timing} ${faults} duration_s=${Math.round(result.durationMs / 1000)}`,
      );
    } finally {
      await pool.end();
      await db.$disconnect();
      // Dropped as soon as its mode is done (a DROP DATABASE checkpoints: seconds on a busy server).
      if (!values.keep) {
        await Promise.all(started.map((a) => stopApp(a).catch(() => {})));
        await scratch.drop().catch((err) => log(`could not drop ${scratch.url}: ${(err as Error).message}`));
        scratches.splice(scratches.indexOf(scratch), 1);
      }
    }
  }
} catch (err) {
  fatal = err as Error;
  log(`chaos stopped: ${fatal.stack ?? fatal.message}`);
} finally {
  await cleanup();
}

const total = emptyCounts();
for (const r of results) addCounts(total, r.counts);
const problems = Object.entries(total).filter(([k, v]) => k !== "runs" && v > 0).length;
const short = results.filter((r) => r.trials < trials).map((r) => r.mode);
const missing = modes.filter((m) => !results.some((r) => r.mode === m));
const ok = !fatal && problems === 0 && short.length === 0 && missing.length === 0;
if (short.length) log(`fewer than ${trials} trials (deadline): ${short.join(", ")}`);
if (fs.existsSync(findingsFile)) log(`findings: ${findingsFile}`);
const summary = {
  ok,
  trialsPerMode: trials,
  modelLatencyMs: latency,
  modes: Object.fromEntries(results.map((r) => [r.mode, { trials: r.trials, rounds: r.rounds, ...r.counts, reviewsDecided: r.decisions, racedDecisions: r.racedDecisions, ...r.timing, ...r.faults, durationS: Math.round(r.durationMs / 1000) }])),
  total,
  logs: logDir,
  ...(fatal ? { error: fatal.message } : {}),
};
console.log(JSON.stringify(summary));
// After stdout drained (a pipe must get the summary line); pg's or Prisma's stray timers must not hold the process.
await exitAfterFlush(ok ? 0 : 1);
