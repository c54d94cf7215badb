// `npm run load`: sustained concurrent runs against the run API of a real
// `next start` with the local model, on a scratch database (created, migrated and
// seeded here, dropped at the end). Builds the app first if there is no build.
//
// - Default (closed loop): each of LOAD_CONNECTIONS autocannon connections submits a
//   run (POST /api/runs, a unique Idempotency-Key) and follows its events
//   (GET /api/runs/:id/events, SSE) until run_finished, then submits the next, so a
//   fixed number of runs is in flight, the way the chat uses the API.
// - --rate R: open loop, POST only, R requests/s in total; runs are not followed.
//
// The messages are the evaluation cases (eval/dev.jsonl: 12 customers, read-only
// questions and requests with side effects), in turn. Run latency is creation →
// finish of each run, read from the database after the period. Errors are non-2xx
// responses, socket errors and timeouts, runs that ended `failed`, and runs not
// finished LOAD_DRAIN_S after the period. Memory: the app's RSS (/proc/<pid>/status)
// every 5 s and after LOAD_SETTLE_S idle, and the live heap after each full GC (the
// app runs with --trace-gc). Prints a table and, as its LAST line, a JSON summary;
// --record also writes the numbers into docs/PERFORMANCE.md. Exits 1 on any error or
// when the live heap keeps growing.
import autocannon from "autocannon";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { issueCustomerToken } from "../lib/tokens/customer-token";
import { createDb } from "../lib/db/client";
import { createScratchDatabase, type ScratchDatabase } from "../lib/db/scratch";
import { seedIfEmpty } from "../lib/db/seed";
import { readCases } from "../lib/eval/cases";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";
import { percentile } from "../lib/stats";
import { parseArgs } from "node:util";
import { sleep } from "../lib/backoff";
import { freePort, waitForHealth } from "./lib/app-process";

const args = process.argv.slice(2);
const NUMBERS = ["duration", "connections", "rate", "periods", "warmup", "settle", "drain", "model-latency", "port"] as const;
const { values: opts } = parseArgs({
  args,
  options: {
    ...Object.fromEntries(NUMBERS.map((n) => [n, { type: "string" as const }])),
    cases: { type: "string" },
    "heap-snapshots": { type: "string" },
    record: { type: "boolean" },
    help: { type: "boolean" },
  },
});
const flag = (name: (typeof NUMBERS)[number] | "cases" | "heap-snapshots") => (opts as Record<string, string | boolean | undefined>)[name] as string | undefined;
function num(name: (typeof NUMBERS)[number], envName: string, fallback: number): number {
  const raw = flag(name) ?? process.env[envName];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} / ${envName} must be a non-negative number`);
  return n;
}
if (opts.help) {
  console.log(`usage: npm run load -- [--duration S] [--connections N] [--rate R] [--periods P] [--warmup S] [--settle S]
                      [--drain S] [--model-latency MS] [--cases FILE] [--port PORT] [--heap-snapshots DIR] [--record]
Uses DATABASE_URL's server for the scratch database (an embedded PostgreSQL without it).
LOAD_APP_NODE_FLAGS adds Node flags to the app (e.g. --max-old-space-size=256).`);
  process.exit(0);
}

const cfg = {
  durationS: num("duration", "LOAD_DURATION_S", 60),
  connections: Math.max(1, num("connections", "LOAD_CONNECTIONS", 8)),
  rate: num("rate", "LOAD_RATE", 0), // 0: closed loop (submit + follow)
  // Three periods: one shows throughput and latency; memory needs a trend.
  periods: Math.max(1, num("periods", "LOAD_PERIODS", 3)),
  warmupS: num("warmup", "LOAD_WARMUP_S", 10),
  settleS: num("settle", "LOAD_SETTLE_S", 20),
  drainS: num("drain", "LOAD_DRAIN_S", 60),
  modelLatencyMs: num("model-latency", "LOCAL_MODEL_LATENCY_MS", 100),
  sampleEveryS: 5,
  casesFile: flag("cases") || "eval/dev.jsonl",
  record: opts.record === true,
  heapSnapshotDir: flag("heap-snapshots") || undefined,
};
const mode = cfg.rate > 0 ? "open" : "closed";
const SECRET = "switchboard-load-customer-token-secret";
const nextBin = path.resolve("node_modules/next/dist/bin/next");

const log = (m: string) => console.error(`[load] ${m}`);
const round1 = (x: number) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------- process helpers

function procStatusMiB(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? round1(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
const rssMiB = (pid: number) => procStatusMiB(pid, "VmRSS");

/** The process serving HTTP: `next start` itself, or a next-server child if it forks one. */
function serverPid(root: number): number {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {}
  }
  const queue = [...(children.get(root) ?? [])];
  for (const pid of queue) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("next")) return pid;
    } catch {}
    queue.push(...(children.get(pid) ?? []));
  }
  return root;
}

const loadAverage = () => os.loadavg()[0].toFixed(2);

/** A rounded percentile for the report, or null with no samples. */
function rounded(values: number[], p: number): number | null {
  return values.length ? Math.round(percentile(values, p)) : null;
}

// ---------------------------------------------------------------- the app's GC trace

/** Full GCs the app reported (--trace-gc) since the last call: heap MiB before and live after. */
let gcLogOffset = 0;
function newFullGcs(appLog: string): Array<{ beforeMiB: number; liveMiB: number }> {
  const text = fs.readFileSync(appLog, "utf8");
  const fresh = text.slice(gcLogOffset);
  gcLogOffset = text.length;
  const out: Array<{ beforeMiB: number; liveMiB: number }> = [];
  for (const m of fresh.matchAll(/ms: Mark-Compact(?: \([a-z ]+\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)) {
    out.push({ beforeMiB: Number(m[1]), liveMiB: Number(m[2]) });
  }
  return out;
}

// ---------------------------------------------------------------- one period

interface PeriodResult {
  period: string;
  durationS: number;
  accepted: number;
  acceptedPerS: number;
  runsFinished: number;
  runsPerS: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  byStatus: Record<string, number>;
  httpNon2xx: number;
  socketErrors: number;
  timeouts: number;
  runsFailed: number;
  runsUnfinished: number;
  errors: number;
  httpRequests: number;
  postLatencyP50Ms: number | null;
  postLatencyP99Ms: number | null;
  rssStartMiB: number | null;
  rssEndMiB: number | null;
  rssSettledMiB: number | null;
  rssSamplesMiB: Array<number | null>;
  fullGcs: Array<{ beforeMiB: number; liveMiB: number }>;
  loadAvg: string;
}

async function loadPeriod(label: string, durationS: number, keyPrefix: string): Promise<PeriodResult> {
  const rssStart = rssMiB(appPid);
  const samples: Array<number | null> = [rssStart];
  let caseIndex = 0;
  const postLatencies: number[] = [];

  type Ctx = { runId?: string; customerId?: string; sentAt?: number };
  const post: autocannon.Request = {
    method: "POST",
    path: "/api/runs",
    setupRequest: (req, context: Ctx) => {
      const c = cases[caseIndex++ % cases.length];
      context.runId = undefined;
      context.customerId = c.customerId;
      context.sentAt = performance.now();
      return {
        ...req,
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${tokens.get(c.customerId)}`,
          "idempotency-key": `${keyPrefix}-${randomUUID()}`,
        },
        body: JSON.stringify({ message: c.message }),
      };
    },
    onResponse: (status, body, context: Ctx) => {
      if (context.sentAt !== undefined) postLatencies.push(performance.now() - context.sentAt);
      if (status !== 202) return;
      try {
        context.runId = (JSON.parse(body) as { runId: string }).runId;
      } catch {}
    },
  };
  const follow: autocannon.Request = {
    method: "GET",
    setupRequest: (req, context: Ctx) => ({
      ...req,
      // A refused POST has no run to follow: a cheap request keeps the cycle going.
      path: context.runId ? `/api/runs/${context.runId}/events` : "/api/health",
      headers: { accept: "text/event-stream", authorization: `Bearer ${tokens.get(context.customerId ?? customers[0])}` },
      body: undefined,
    }),
  };

  const sampler = setInterval(() => samples.push(rssMiB(appPid)), cfg.sampleEveryS * 1000);
  const started = Date.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: cfg.connections,
        duration: durationS,
        timeout: 30,
        requests: mode === "closed" ? [post, follow] : [post],
        ...(mode === "open" ? { overallRate: cfg.rate } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  const elapsedS = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const rssEnd = rssMiB(appPid);
  samples.push(rssEnd);

  // Runs still going when the load stopped get LOAD_DRAIN_S to finish.
  const like = `%:${keyPrefix}-%`;
  const drainUntil = Date.now() + cfg.drainS * 1000;
  while (Date.now() < drainUntil) {
    const open = await admin!.query(`SELECT 1 FROM runs WHERE "idempotencyKey" LIKE $1 AND status IN ('queued', 'running') LIMIT 1`, [like]);
    if (!open.rowCount) break;
    await sleep(500);
  }
  const rows = (
    await admin!.query<{ status: string; ms: string | null; created: Date; finished: Date | null }>(
      `SELECT status::text, EXTRACT(EPOCH FROM ("finishedAt" - "createdAt")) * 1000 AS ms, "createdAt" AS created, "finishedAt" AS finished
         FROM runs WHERE "idempotencyKey" LIKE $1`,
      [like],
    )
  ).rows;
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const finished = rows.filter((r) => r.status === "completed" || r.status === "awaiting_review");
  const latencies = finished.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const spanS = finished.length
    ? Math.max(1, (Math.max(...finished.map((r) => r.finished!.getTime())) - Math.min(...rows.map((r) => r.created.getTime()))) / 1000)
    : 1;
  const runsFailed = byStatus.failed ?? 0;
  const runsUnfinished = (byStatus.queued ?? 0) + (byStatus.running ?? 0);
  const socketErrors = result.errors - result.timeouts;

  let rssSettled: number | null = null;
  if (cfg.settleS > 0) {
    await sleep(cfg.settleS * 1000);
    rssSettled = rssMiB(appPid);
  }
  const postSorted = postLatencies.sort((a, b) => a - b);
  return {
    period: label,
    durationS: Math.round(elapsedS),
    accepted: rows.length,
    acceptedPerS: round1(rows.length / elapsedS),
    runsFinished: finished.length,
    runsPerS: round1(finished.length / spanS),
    p50Ms: rounded(latencies, 50),
    p95Ms: rounded(latencies, 95),
    p99Ms: rounded(latencies, 99),
    maxMs: rounded(latencies, 100),
    byStatus,
    httpNon2xx: result.non2xx,
    socketErrors,
    timeouts: result.timeouts,
    runsFailed,
    runsUnfinished,
    errors: result.non2xx + socketErrors + result.timeouts + runsFailed + runsUnfinished,
    httpRequests: result.requests.total,
    postLatencyP50Ms: rounded(postSorted, 50),
    postLatencyP99Ms: rounded(postSorted, 99),
    rssStartMiB: rssStart,
    rssEndMiB: rssEnd,
    rssSettledMiB: rssSettled,
    rssSamplesMiB: samples,
    fullGcs: newFullGcs(appLog),
    loadAvg: loadAverage(),
  };
}

/** A heap snapshot of the app (it writes one on SIGUSR2 when started with --heap-snapshots). */
async function heapSnapshot(label: string) {
  const dir = cfg.heapSnapshotDir;
  if (!dir) return;
  const before = new Set(fs.readdirSync(dir));
  process.kill(appPid, "SIGUSR2");
  const until = Date.now() + 180_000;
  let file: string | undefined;
  let lastSize = -1;
  while (Date.now() < until) {
    await sleep(1000);
    file ??= fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    if (!file) continue;
    const size = fs.statSync(path.join(dir, file)).size;
    if (size > 0 && size === lastSize) break;
    lastSize = size;
  }
  if (!file) throw new Error("no heap snapshot appeared");
  const target = path.join(dir, `${label}.heapsnapshot`);
  fs.renameSync(path.join(dir, file), target);
  log(`heap snapshot ${target}; app RSS now ${rssMiB(appPid)} MiB (writing a snapshot raises it)`);
}

// ---------------------------------------------------------------- main

const cases = readCases(cfg.casesFile);
const customers = [...new Set(cases.map((c) => c.customerId))];
const tokens = new Map(await Promise.all(customers.map(async (c) => [c, await issueCustomerToken(c, { secret: SECRET, ttlSeconds: 6 * 3600 })] as const)));

let scratch: ScratchDatabase | undefined;
let app: ChildProcess | undefined;
let appPid = 0;
let appLog = "";
let port = 0;
let admin: pg.Client | undefined;
let cleaning: Promise<void> | undefined;

/** Stops the app (its own process group) and drops the scratch database; once. */
async function cleanup() {
  cleaning ??= (async () => {
    if (app?.pid && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app!.once("exit", r));
      const kill = (sig: NodeJS.Signals) => {
        try {
          process.kill(-app!.pid!, sig);
        } catch {}
      };
      kill("SIGTERM");
      if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) {
        kill("SIGKILL");
        await Promise.race([exited, sleep(5_000)]);
      }
    }
    await admin?.end().catch(() => {});
    await scratch?.drop().catch((err) => log(`could not drop the scratch database: ${(err as Error).message}`));
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping the app and dropping the scratch database`);
    void cleanup().then(() => exitAfterFlush(130));
  });
}

const results: PeriodResult[] = [];
let bootRss: number | null = null;
let warmRss: number | null = null;
let peakRss: number | null = null;
try {
  if (!fs.existsSync(".next/BUILD_ID")) {
    log("no production build yet: running next build");
    const b = spawnSync(process.execPath, [nextBin, "build"], { stdio: ["ignore", 2, 2] });
    if (b.status !== 0) throw new Error("next build failed");
  }
  scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_load");
  const seedDb = createDb(scratch.url, 2);
  try {
    await seedIfEmpty(seedDb, loadWorld());
  } finally {
    await seedDb.$disconnect();
  }
  admin = new pg.Client({ connectionString: scratch.url });
  await admin.connect();
  port = Number(flag("port") || process.env.LOAD_PORT || 0) || (await freePort());

  // --trace-gc: the app reports each GC, so the live heap after a full GC can be read.
  const nodeFlags = ["--trace-gc", ...(process.env.LOAD_APP_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean)];
  if (cfg.heapSnapshotDir) {
    cfg.heapSnapshotDir = path.resolve(cfg.heapSnapshotDir);
    fs.mkdirSync(cfg.heapSnapshotDir, { recursive: true });
    nodeFlags.push("--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${cfg.heapSnapshotDir}`);
  }
  appLog = path.join(os.tmpdir(), `switchboard-load-${port}.log`);
  const out = fs.openSync(appLog, "w");
  app = spawn(process.execPath, [...nodeFlags, nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: scratch.url,
      SWITCHBOARD_DB_KIND: scratch.kind,
      CUSTOMER_TOKEN_SECRET: SECRET,
      AUTH_SECRET: "switchboard-load-auth-secret",
      SWITCHBOARD_MODEL: "local",
      LOCAL_MODEL_LATENCY_MS: String(cfg.modelLatencyMs),
      // The load test measures throughput: the abuse limits would refuse it by design.
      RATE_LIMIT_RUNS_PER_CUSTOMER: "0",
      RATE_LIMIT_RUNS_PER_IP: "0",
      CUSTOMER_DAILY_TOKEN_BUDGET: "0",
      PORT: String(port),
    },
    stdio: ["ignore", out, out],
    detached: true, // its own process group, so cleanup stops exactly what this started
  });
  fs.closeSync(out);
  await waitForHealth(port, app, { everyMs: 250 }).catch((err) => {
    const tail = fs.readFileSync(appLog, "utf8").split("\n").slice(-15).join("\n");
    throw new Error(`${(err as Error).message}; the end of ${appLog}:\n${tail}`);
  });
  appPid = serverPid(app.pid!);
  bootRss = rssMiB(appPid);
  newFullGcs(appLog); // the start's own GCs are not the load's
  log(
    `app pid ${appPid} on 127.0.0.1:${port}, ${scratch.kind} scratch database, log ${appLog}; ` +
      (mode === "closed" ? `${cfg.connections} runs in flight (submit, then follow its events)` : `${cfg.rate} POST/s open loop`) +
      `; local model ${cfg.modelLatencyMs} ms per call; ${cases.length} messages over ${customers.length} customers; load average ${loadAverage()}`,
  );
  log(`RSS after boot: ${bootRss} MiB`);
  if (cfg.warmupS > 0) {
    const w = await loadPeriod("warm-up", cfg.warmupS, "load-w");
    warmRss = w.rssSettledMiB ?? w.rssEndMiB;
    log(`warm-up (${cfg.warmupS} s, not counted): ${w.runsFinished} runs, ${w.errors} errors, RSS ${warmRss} MiB`);
  }
  await heapSnapshot("0-after-warmup");
  for (let p = 1; p <= cfg.periods; p++) {
    const r = await loadPeriod(`period ${p}`, cfg.durationS, `load-p${p}`);
    results.push(r);
    log(
      `${r.period}: ${r.accepted} accepted, ${r.runsFinished} finished, p50/p95/p99 ${r.p50Ms}/${r.p95Ms}/${r.p99Ms} ms, ${r.errors} errors; ` +
        `RSS ${r.rssStartMiB} → ${r.rssEndMiB} MiB, ${r.rssSettledMiB} after ${cfg.settleS} s idle; load average ${r.loadAvg}`,
    );
    await heapSnapshot(`${p}-after-period-${p}`);
  }
  peakRss = procStatusMiB(appPid, "VmHWM");
} finally {
  await cleanup();
}
// The last line is the JSON summary however stdout is connected (see exit-after-flush.ts).
await exitAfterFlush(results.length ? report() : 1);

function report() {
  const what =
    (mode === "closed" ? `${cfg.connections} runs in flight (each connection submits a run and follows its events to run_finished)` : `open loop, ${cfg.rate} POST/s`) +
    `, ${cfg.durationS} s per period, local model ${cfg.modelLatencyMs} ms per call, ${cases.length} messages from ${cfg.casesFile} over ${customers.length} customers`;
  console.log(`npm run load: ${what}; ${scratch?.kind} PostgreSQL; ${os.cpus().length} cores, Node ${process.versions.node}`);
  const table: Record<string, Record<string, string | number | null>> = {};
  for (const r of results) {
    const lastLive = r.fullGcs.at(-1)?.liveMiB ?? null;
    table[r.period] = {
      "accepted/s": r.acceptedPerS,
      "runs/s": r.runsPerS,
      runs: r.runsFinished,
      "p50 ms": r.p50Ms,
      "p95 ms": r.p95Ms,
      "p99 ms": r.p99Ms,
      errors: r.errors,
      "RSS start": r.rssStartMiB,
      "RSS end": r.rssEndMiB,
      "RSS idle": r.rssSettledMiB,
      "full GCs": r.fullGcs.length,
      "live heap": lastLive ?? "-",
      "load avg": r.loadAvg,
    };
  }
  console.table(table);
  console.log(`RSS in MiB: ${bootRss} after boot, ${warmRss ?? "-"} after the ${cfg.warmupS} s warm-up, peak ${peakRss}; "RSS idle" is ${cfg.settleS} s after the period; "live heap" is the V8 heap in MiB after the period's last full GC`);
  for (const r of results) {
    console.log(
      `${r.period}: runs ${JSON.stringify(r.byStatus)}; errors: ${r.httpNon2xx} non-2xx, ${r.socketErrors} socket, ${r.timeouts} timeouts, ` +
        `${r.runsFailed} failed runs, ${r.runsUnfinished} unfinished runs; ${r.httpRequests} HTTP requests, POST p50 ${r.postLatencyP50Ms} ms, p99 ${r.postLatencyP99Ms} ms`,
    );
    console.log(`  RSS every ${cfg.sampleEveryS} s: ${r.rssSamplesMiB.join(" ")}`);
    console.log(`  full GCs (heap before → live after, MiB): ${r.fullGcs.map((g) => `${g.beforeMiB}→${g.liveMiB}`).join(", ") || "none"}`);
  }
  const errors = results.reduce((s, r) => s + r.errors, 0);
  // Steady: the live heap after a full GC does not keep rising under load (within 10%
  // or 16 MiB from the first full GC under load to the last). RSS alone cannot say: V8
  // lets the heap fill with garbage between full GCs, so RSS is a sawtooth.
  const live = results.flatMap((r) => r.fullGcs.map((g) => g.liveMiB));
  const firstLive = live[0];
  const lastLive = live.at(-1);
  const steady = live.length >= 2 ? lastLive! <= Math.max(firstLive * 1.1, firstLive + 16) : null;
  console.log(
    steady === null
      ? `memory: ${live.length} full GC${live.length === 1 ? "" : "s"} under load, too few to see a trend (use more or longer periods); RSS peak ${peakRss} MiB`
      : `memory ${steady ? "steady" : "GROWING"}: live heap after full GC ${firstLive} → ${lastLive} MiB over ${live.length} full GCs under load (${live.join(", ")}); RSS peak ${peakRss} MiB`,
  );
  const summary = {
    mode,
    connections: cfg.connections,
    ...(mode === "open" ? { rate: cfg.rate } : {}),
    durationS: cfg.durationS,
    periods: cfg.periods,
    modelLatencyMs: cfg.modelLatencyMs,
    database: scratch?.kind,
    acceptedPerS: results.map((r) => r.acceptedPerS),
    runsPerS: results.map((r) => r.runsPerS),
    runs: results.map((r) => r.runsFinished),
    p50Ms: results.map((r) => r.p50Ms),
    p95Ms: results.map((r) => r.p95Ms),
    p99Ms: results.map((r) => r.p99Ms),
    errors,
    rssBootMiB: bootRss,
    rssWarmMiB: warmRss,
    rssEndMiB: results.map((r) => r.rssEndMiB),
    rssIdleMiB: results.map((r) => r.rssSettledMiB),
    rssPeakMiB: peakRss,
    liveHeapAfterFullGcMiB: live,
    memorySteady: steady,
    loadAvg: results.map((r) => Number(r.loadAvg)),
  };
  if (cfg.record) record(summary, table);
  console.log(JSON.stringify(summary));
  return errors > 0 || steady === false ? 1 : 0;
}

/** Replaces the generated block in docs/PERFORMANCE.md with this run's numbers. */
function record(summary: object, table: Record<string, Record<string, string | number | null>>) {
  const file = path.resolve("docs/PERFORMANCE.md");
  const begin = "<!-- npm run load -- --record: begin -->";
  const end = "<!-- npm run load -- --record: end -->";
  const cols = Object.keys(Object.values(table)[0] ?? {});
  const block = [
    begin,
    `Recorded ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run load -- ${args.join(" ")}\`: ` +
      (mode === "closed" ? `${cfg.connections} runs in flight` : `${cfg.rate} POST/s`) +
      `, ${cfg.durationS} s per period, local model ${cfg.modelLatencyMs} ms per call, ${os.cpus().length} cores, ${scratch?.kind} PostgreSQL.`,
    "",
    `| | ${cols.join(" | ")} |`,
    `|---|${cols.map(() => "---:").join("|")}|`,
    ...Object.entries(table).map(([k, v]) => `| ${k} | ${cols.map((c) => v[c] ?? "-").join(" | ")} |`),
    "",
    "```json",
    JSON.stringify(summary),
    "```",
    end,
  ].join("\n");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Performance\n";
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  fs.writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`);
  log(`recorded in ${path.relative(process.cwd(), file)}`);
}
