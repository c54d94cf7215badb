// The four fault modes. A mode runs rounds (round.ts) until it has injected `trials`
// faults that hit something, or its deadline passes, and sums the checker's counts.
// A trial is one fault event: a SIGKILL with runs in flight (sigkill), the SIGKILL of
// one or two of three processes while they own runs (cluster), one pg_terminate_backend
// sweep that ended at least one app session (pgterm), one tool write made to fail or
// hang (mcp).
import net from "node:net";
import { addCounts, emptyCounts, type Counts, type Finding } from "./check";
import { isAlive, sigkill, sleep, spawnApp, stopApp, waitHealthy, type AppProcess, type ClusterOptions } from "./cluster";
import { dropToolFaults, installToolFaults, OFF, readFaultCounts, setToolFaults, terminateAppConnections, type FaultCounts } from "./faults";
import { runRound, runStates, type RoundContext } from "./round";

export type ModeName = "sigkill" | "cluster" | "pgterm" | "mcp";
export const MODES: ModeName[] = ["sigkill", "cluster", "pgterm", "mcp"];

export interface ModeEnv {
  cluster: ClusterOptions;
  database: string;
  ctx: Omit<RoundContext, "apps">;
  trials: number;
  deadline: number;
  log: (line: string) => void;
  onFinding: (mode: ModeName, f: Finding) => void;
  /** Every app process started, so the caller can stop them whatever happens. */
  started: AppProcess[];
}

export interface ModeResult {
  mode: ModeName;
  trials: number;
  rounds: number;
  counts: Counts;
  durationMs: number;
  /** Timings in ms: max_<name> and p50_<name> over the trials. */
  timing: Record<string, number>;
  faults: Record<string, number>;
  decisions: number;
  racedDecisions: number;
}

/** What one round's fault did. */
interface FaultOutcome {
  trials: number;
  note: string;
  timings?: Record<string, number[]>;
}

const rand = (min: number, max: number) => min + Math.random() * (max - min);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Whether `port` (0: any) can be bound on 127.0.0.1 now; the port bound, or null. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(null));
    srv.listen(port, "127.0.0.1", () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

// CHAOS_PORTS=3200-3299 keeps the app processes inside a range (machines shared by
// several checkouts); without it the OS picks.
const range = /^(\d+)-(\d+)$/.exec(process.env.CHAOS_PORTS ?? "");
let nextInRange = range ? Number(range[1]) : 0;

/** A free TCP port on 127.0.0.1 (asked from the OS, so we never talk to someone else's server). */
async function freePort(): Promise<number> {
  if (!range) return (await tryPort(0))!;
  const [lo, hi] = [Number(range[1]), Number(range[2])];
  for (let i = 0; i <= hi - lo; i++) {
    const port = nextInRange;
    nextInRange = port >= hi ? lo : port + 1;
    if ((await tryPort(port)) !== null) return port;
  }
  throw new Error(`no free port in CHAOS_PORTS=${process.env.CHAOS_PORTS}`);
}

/**
 * The round's unfinished runs right after a kill that the dead processes held (queued
 * ones count too: nobody is executing them), and when the last of their leases expires
 * (epoch ms): no process may take a run over before that.
 */
async function orphansOf(env: ModeEnv, deadPids: number[]) {
  // Prisma stores UTC in timestamp-without-time-zone columns, so the epoch is UTC's.
  const r = await env.ctx.pool.query<{ id: string; status: string; leaseOwner: string | null; expires: string | null }>(
    `SELECT id, status::text, "leaseOwner", EXTRACT(EPOCH FROM "leaseExpiresAt") * 1000 AS expires FROM runs WHERE status IN ('queued', 'running')`);
  const dead = (o: string | null) => o === null || deadPids.some((p) => o.includes(`:${p}:`));
  const orphans = r.rows.filter((x) => x.status === "queued" || dead(x.leaseOwner));
  return { ids: orphans.map((x) => x.id), leasesExpireAt: Math.max(0, ...orphans.map((x) => Number(x.expires ?? 0))) };
}

/** When every orphan is finished, awaiting review, or leased by a live process (epoch ms; NaN on timeout). */
async function waitResumed(env: ModeEnv, orphans: string[], deadPids: number[], timeoutMs = 60_000): Promise<number> {
  const dead = (o: string | null) => o === null || deadPids.some((p) => o.includes(`:${p}:`));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const states = await runStates(env.ctx.pool, orphans);
    if (states.every((s) => s.status !== "queued" && !(s.status === "running" && dead(s.leaseOwner)))) return Date.now();
    await sleep(50);
  }
  return NaN;
}

/** Waits (up to 10 s) until some run of the round is executing, so a fault finds work in flight. */
async function firstRunning(env: ModeEnv): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const r = await env.ctx.pool.query(`SELECT 1 FROM runs WHERE status = 'running' LIMIT 1`);
    if (r.rowCount) return;
    await sleep(50);
  }
}

export async function runMode(mode: ModeName, env: ModeEnv): Promise<ModeResult> {
  const t0 = Date.now();
  const counts = emptyCounts();
  const samples: Record<string, number[]> = {};
  const faults: Record<string, number> = {};
  const bump = (k: string, n = 1) => (faults[k] = (faults[k] ?? 0) + n);
  const spawn = async (name: string, port?: number) => {
    const app = spawnApp(env.cluster, name, port ?? (await freePort()));
    env.started.push(app);
    return app;
  };
  let apps = await Promise.all((mode === "cluster" ? ["a", "b", "c"] : ["solo"]).map((n) => spawn(`${mode}-${n}`)));
  await Promise.all(apps.map((a) => waitHealthy(a)));
  const ctx: RoundContext = { ...env.ctx, apps: () => apps };

  // SIGKILL the only process at a random moment, restart it at once (as a supervisor
  // would), and time the takeover. One round in three it is killed a second time while
  // it is resuming the first kill's runs.
  async function killAndRestart(): Promise<FaultOutcome> {
    const kills = Math.random() < 1 / 3 ? 2 : 1;
    const notes: string[] = [];
    const timings: Record<string, number[]> = { resume_after_restart_ms: [], resume_after_kill_ms: [], boot_ms: [], pickup_after_lease_and_boot_ms: [] };
    let trials = 0;
    for (let k = 0; k < kills; k++) {
      if (k === 0) await firstRunning(env);
      const delay = rand(0, 2_500);
      await sleep(delay);
      const victim = apps[0];
      const killedAt = Date.now();
      await sigkill(victim);
      const { ids: orphans, leasesExpireAt } = await orphansOf(env, [victim.pid]);
      apps = [await spawn(victim.name, victim.port)];
      const restartAt = Date.now();
      const bootMs = await waitHealthy(apps[0]);
      const resumedAt = await waitResumed(env, orphans, [victim.pid]);
      if (!orphans.length) {
        notes.push(`kill ${k + 1} (${secs(delay)} after ${k ? "the restart resumed" : "the first run started"}) found no open run`);
        continue;
      }
      trials++;
      timings.resume_after_restart_ms.push(resumedAt - restartAt);
      timings.resume_after_kill_ms.push(resumedAt - killedAt);
      timings.boot_ms.push(bootMs);
      // What the engine itself adds once it could act (lease expired, process serving); the recovery loop polls every 1 s.
      timings.pickup_after_lease_and_boot_ms.push(resumedAt - Math.max(leasesExpireAt, restartAt + bootMs));
      notes.push(`kill ${k + 1} (${secs(delay)} after ${k ? "the restart resumed" : "the first run started"}) with ${orphans.length} open runs: booted in ${secs(bootMs)}, all resumed ${secs(resumedAt - restartAt)} after restart (${secs(resumedAt - killedAt)} after kill, ${secs(resumedAt - Math.max(leasesExpireAt, restartAt + bootMs))} after the last lease expired and the process served)`);
    }
    return { trials, note: notes.join("; "), timings };
  }

  // SIGKILL one or two of the three processes; the survivors must take their runs over.
  // The victims are restarted once that happened, so every round starts with three.
  async function killSome(): Promise<FaultOutcome> {
    await firstRunning(env);
    await sleep(rand(0, 2_500));
    const victims = [...apps].sort(() => Math.random() - 0.5).slice(0, Math.random() < 0.5 ? 1 : 2);
    const killedAt = Date.now();
    await Promise.all(victims.map(sigkill));
    const pids = victims.map((v) => v.pid);
    const { ids: orphans, leasesExpireAt } = await orphansOf(env, pids);
    const resumedAt = await waitResumed(env, orphans, pids);
    // Restarted only now, so the takeover was the survivors'; they boot while the round settles.
    const restarted = await Promise.all(victims.map((v) => spawn(v.name, v.port)));
    apps = [...apps.filter((a) => !victims.includes(a)), ...restarted];
    const who = victims.map((v) => v.name.replace(`${mode}-`, "")).join("+");
    if (!orphans.length) return { trials: 0, note: `killed ${who}, which held no open run` };
    return {
      trials: 1,
      note: `killed ${who} holding ${orphans.length} open runs; survivors took them over ${secs(resumedAt - killedAt)} after the kill (${secs(resumedAt - Math.max(leasesExpireAt, killedAt))} after the last lease expired)`,
      timings: { takeover_after_kill_ms: [resumedAt - killedAt], pickup_after_lease_ms: [resumedAt - Math.max(leasesExpireAt, killedAt)] },
    };
  }

  // One to three sweeps of pg_terminate_backend over the app's sessions at random moments.
  async function terminate(): Promise<FaultOutcome> {
    const times = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => rand(200, 5_000)).sort((a, b) => a - b);
    let at = 0;
    const ended: number[] = [];
    for (const t of times) {
      await sleep(t - at);
      at = t;
      ended.push(await terminateAppConnections(env.ctx.pool, env.database));
    }
    bump("sweeps", ended.length);
    bump("backends_terminated", ended.reduce((a, b) => a + b, 0));
    return { trials: ended.filter((n) => n > 0).length, note: `terminated ${ended.join("+")} app sessions at ${times.map((t) => `+${secs(t)}`).join(", ")}` };
  }

  // Arms the world-table triggers for the round: errors, transient errors, hangs; every
  // sixth round (from the third) hangs past the worker's 20 s timeout instead.
  let rounds = 0;
  let before: FaultCounts | undefined;
  async function armTools(): Promise<FaultOutcome> {
    const long = rounds % 6 === 3;
    before = await readFaultCounts(env.ctx.pool);
    await setToolFaults(env.ctx.pool, long
      ? { ...OFF, longHang: 0.5, longHangS: 22 }
      : { fail: rand(0.05, 0.25), transient: rand(0.05, 0.3), hang: rand(0.05, 0.3), hangMinS: 2, hangMaxS: 7, longHang: 0, longHangS: 0 });
    return { trials: 0, note: long ? "long-hang round" : "" };
  }
  async function disarmTools(out: FaultOutcome): Promise<FaultOutcome> {
    await setToolFaults(env.ctx.pool, OFF);
    const after = await readFaultCounts(env.ctx.pool);
    const delta = Object.entries(after).map(([k, v]) => [k, v - (before?.[k as keyof FaultCounts] ?? 0)] as const).filter(([, v]) => v > 0);
    for (const [k, v] of delta) bump(k, v);
    const n = delta.reduce((s, [, v]) => s + v, 0);
    return { trials: n, note: `tool faults: ${delta.map(([k, v]) => `${k}=${v}`).join(" ") || "none drawn"}${out.note ? ` (${out.note})` : ""}` };
  }

  const faultFor = { sigkill: killAndRestart, cluster: killSome, pgterm: terminate, mcp: armTools }[mode];
  if (mode === "mcp") await installToolFaults(env.ctx.pool);
  let trials = 0;
  let decisions = 0;
  let racedDecisions = 0;
  try {
    while (trials < env.trials && rounds < env.trials * 2 && Date.now() < env.deadline) {
      rounds++;
      // Processes restarted at the end of the previous round may still be booting: a
      // round starts with every process serving, so its runs spread over all of them.
      await Promise.all(apps.map((a) => waitHealthy(a)));
      let outcome: FaultOutcome = { trials: 0, note: "" };
      const result = await runRound(ctx, {
        minCases: 6,
        settleTimeoutMs: mode === "mcp" ? 150_000 : 90_000,
        quiesce: mode === "mcp", // hung tool calls outlive their worker's timeout
        fault: async () => {
          outcome = await faultFor();
        },
      }).catch((err) => {
        throw new Error(`${mode} round ${rounds}: ${(err as Error).message}`, { cause: err });
      });
      if (mode === "mcp") outcome = await disarmTools(outcome);
      for (const [k, v] of Object.entries(outcome.timings ?? {})) (samples[k] ??= []).push(...v);
      if (mode === "sigkill" && result.settledAt && outcome.trials) {
        // From the last restart of the round: apps[0] is the process that finished it.
        (samples.settled_after_restart_ms ??= []).push(result.settledAt - apps[0].startedAt);
      }
      trials += outcome.trials;
      decisions += result.decisions;
      racedDecisions += result.racedDecisions;
      addCounts(counts, result.counts);
      for (const f of result.findings) env.onFinding(mode, f);
      const bad = Object.entries(result.counts).filter(([k, v]) => k !== "runs" && v > 0).map(([k, v]) => `${k}=${v}`);
      env.log(`[${mode} ${Math.min(trials, env.trials)}/${env.trials}] round ${rounds}: ${result.runs.length} runs; ${outcome.note}; ${result.decisions} reviews decided; ${bad.length ? `PROBLEMS ${bad.join(" ")}` : "ok"}`);
    }
  } finally {
    if (mode === "mcp") await dropToolFaults(env.ctx.pool).catch(() => {});
    await Promise.all(apps.filter(isAlive).map(stopApp));
  }
  const timing: Record<string, number> = {};
  for (const [k, xs] of Object.entries(samples)) {
    const sorted = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
    if (sorted.length < xs.length) timing[`${k}_timeouts`] = xs.length - sorted.length;
    if (!sorted.length) continue;
    timing[`max_${k}`] = Math.round(sorted.at(-1)!);
    timing[`p50_${k}`] = Math.round(sorted[Math.floor(sorted.length / 2)]);
  }
  return { mode, trials, rounds, counts, durationMs: Date.now() - t0, timing, faults, decisions, racedDecisions };
}
