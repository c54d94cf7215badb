// The fault modes. A mode runs rounds (round.ts) until it has injected `trials`
// faults that hit something, or its deadline passes, and sums the checker's counts.
// A trial is one fault event: a SIGKILL with runs in flight (sigkill), the SIGKILL of
// one or two of three processes while they own runs (cluster), one pg_terminate_backend
// sweep that ended at least one app session (pgterm), one tool write made to fail or
// hang (mcp), a SIGSTOP of one of three processes while it owns runs, past its lease
// (sigstop) or within it (sigstop_short), one COMMIT stalled past the worker's timeout
// (slow_commit), a SIGKILL while the process runs a reviewer's retry of a failed part
// (retry_kill), one customer with two runs executing at once (two_runs).
import { AREA_ROLES } from "../../lib/auth/roles";
import { sleep } from "../../lib/backoff";
import { claimReview } from "../../lib/orchestrator/review-decisions";
import { addCounts, emptyCounts, type Counts, type Finding } from "./check";
import { freePort } from "../lib/app-process";
import { isAlive, sigkill, spawnApp, stopApp, waitHealthy, type AppProcess, type ClusterOptions } from "./cluster";
import {
  dropSlowCommits, dropToolFaults, dropWriteLog, installSlowCommits, installToolFaults, installWriteLog, OFF, readFaultCounts, readSlowCommits,
  setSlowCommits, setToolFaults, terminateAppConnections, writesSince, type FaultCounts,
} from "./faults";
import { postDecision, postDecisionPatiently, staffByEmail, staffCookie } from "./reviewer";
import { runRound, runStates, type RoundContext } from "./round";
import { pickTwins, type SubmittedRun } from "./workload";

export type ModeName = "sigkill" | "cluster" | "pgterm" | "mcp" | "sigstop" | "sigstop_short" | "slow_commit" | "retry_kill" | "two_runs";
export const MODES: ModeName[] = ["sigkill", "cluster", "pgterm", "mcp", "sigstop", "sigstop_short", "slow_commit", "retry_kill", "two_runs"];
const CLUSTERED = new Set<ModeName>(["cluster", "sigstop", "sigstop_short"]);

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
  /** Violations the fault itself saw (a refused retry, a stopped process's late writes). */
  findings?: Finding[];
}

const rand = (min: number, max: number) => min + Math.random() * (max - min);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

// CHAOS_PORTS=3200-3299 keeps the app processes inside a range (machines shared by
// several checkouts); without it the OS picks.
const freeChaosPort = () => freePort(process.env.CHAOS_PORTS);

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
    const app = spawnApp(env.cluster, name, port ?? (await freeChaosPort()));
    env.started.push(app);
    return app;
  };
  let apps = await Promise.all((CLUSTERED.has(mode) ? ["a", "b", "c"] : ["solo"]).map((n) => spawn(`${mode}-${n}`)));
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


  // SIGSTOP the process holding the most unfinished runs, then SIGCONT it: past its 3 s
  // lease (4-9 s, and at least until the survivors hold its runs) in sigstop, within it
  // (0.5-2.5 s) in sigstop_short. Whatever it was in the middle of when it wakes, it
  // must write nothing more for a run another process took over: after the round, the
  // write log must hold no row it committed for those runs after SIGCONT.
  let staleCheck: { app: string; runIds: string[]; since: Date } | null = null;
  async function stopAndWake(): Promise<FaultOutcome> {
    const long = mode === "sigstop";
    await firstRunning(env);
    await sleep(rand(0, 2_500));
    const r = await env.ctx.pool.query<{ id: string; leaseOwner: string | null; epoch: number }>(
      `SELECT id, "leaseOwner", attempts AS epoch FROM runs WHERE status = 'running'`);
    const held = (a: AppProcess) => r.rows.filter((x) => x.leaseOwner?.includes(`:${a.pid}:`));
    const victim = [...apps].sort((a, b) => held(b).length - held(a).length)[0];
    const owned = held(victim);
    const stopMs = long ? rand(4_000, 9_000) : rand(500, 2_500);
    const stoppedAt = Date.now();
    victim.child.kill("SIGSTOP");
    let resumedAt = NaN;
    try {
      const resumed = long && owned.length ? waitResumed(env, owned.map((x) => x.id), [victim.pid], 30_000) : Promise.resolve(NaN);
      await sleep(stopMs);
      // Woken only once the survivors hold its runs (they must not wait for it).
      resumedAt = await resumed;
    } finally {
      victim.child.kill("SIGCONT");
    }
    const contAt = new Date();
    const after = await runStates(env.ctx.pool, owned.map((x) => x.id));
    const epochs = new Map((await env.ctx.pool.query<{ id: string; epoch: number }>(`SELECT id, attempts AS epoch FROM runs WHERE id = ANY($1)`, [owned.map((x) => x.id)])).rows.map((x) => [x.id, x.epoch]));
    const lost = owned.filter((x) => (epochs.get(x.id) ?? 0) > x.epoch).map((x) => x.id);
    staleCheck = { app: `chaos-app-${victim.name}`, runIds: lost, since: contAt };
    bump("taken_over", lost.length);
    const who = victim.name.replace(`${mode}-`, "");
    if (!owned.length) return { trials: 0, note: `stopped ${who} for ${secs(stopMs)}, holding no open run` };
    const finished = after.filter((x) => x.status !== "running").length;
    return {
      trials: 1,
      note: `stopped ${who} for ${secs(contAt.getTime() - stoppedAt)} holding ${owned.length} open runs; ${lost.length} taken over${long ? ` ${secs(resumedAt - stoppedAt)} after the stop` : ""}, ${finished} finished by then`,
      timings: long ? { takeover_after_stop_ms: [resumedAt - stoppedAt] } : {},
    };
  }
  async function staleWrites(out: FaultOutcome): Promise<FaultOutcome> {
    const check = staleCheck;
    staleCheck = null;
    if (!check?.runIds.length) return out;
    const all = await writesSince(env.ctx.pool, check.app, check.runIds, new Date(0));
    // A fenced-off executor may close its own worker attempts as lease_lost (and the
    // periodic sweep, which any process runs, closes abandoned ones the same way): that
    // ends work, it does not act for the run. Anything else after waking is a finding.
    const rows = all.filter((w) => w.at > check.since && !(w.tbl === "worker_invocations" && w.status === "lease_lost"));
    const findings: Finding[] = [...new Set(rows.map((w) => w.run_id))].map((runId) => ({
      kind: "stale_writes", runId, customerId: null,
      detail: `${check.app} was woken after the run was taken over from it and still committed: ${rows.filter((w) => w.run_id === runId).map((w) => `${w.op} ${w.tbl}${w.status ? ` → ${w.status}` : ""}${w.lease ? ` under ${w.lease}` : ""} at ${w.at.toISOString().slice(11, 23)}`).join(", ")}`,
    }));
    // The log's own sanity: what the process wrote for those runs before it was stopped.
    return { ...out, note: `${out.note}; ${all.length - rows.length} rows it wrote for them before, ${rows.length} after waking`, findings: [...(out.findings ?? []), ...findings] };
  }

  // Commits of world-table writes stall at COMMIT for 21-25 s, past the worker attempt's
  // 20 s timeout, with probability 0.2-0.4 per write: the reply and the review items must
  // still match the ledger (the task waits for its in-flight effects before it reports).
  let slowBefore = 0;
  async function armSlowCommits(): Promise<FaultOutcome> {
    slowBefore = await readSlowCommits(env.ctx.pool);
    await setSlowCommits(env.ctx.pool, rand(0.2, 0.4), 21, 25);
    return { trials: 0, note: "" };
  }
  async function disarmSlowCommits(out: FaultOutcome): Promise<FaultOutcome> {
    await setSlowCommits(env.ctx.pool, 0, 0, 0);
    const n = (await readSlowCommits(env.ctx.pool)) - slowBefore;
    bump("slow_commits", n);
    return { ...out, trials: n, note: `${n} commits stalled past the worker's timeout` };
  }

  // A reviewer retries a worker_failure item (made by failing the worker's own tool-call
  // bookkeeping while the round's runs go) through the app; 0.3-1 s into the retry the
  // process is SIGKILLed and restarted at once. The reviewer then retries again: that
  // must not be refused as stale while the dead process still holds the item, and the
  // item must not stay `retrying` (the restarted process takes the retry over).
  const reviewer = await staffByEmail(env.ctx.db, "reviewer@switchboard.local");
  const cookie = await staffCookie(reviewer);
  async function retryAndKill(runs: SubmittedRun[]): Promise<FaultOutcome> {
    await setToolFaults(env.ctx.pool, { ...OFF, fail: rand(0.5, 0.8) });
    const until = Date.now() + 45_000;
    let item: { id: string } | undefined;
    while (!item && Date.now() < until) {
      const r = await env.ctx.pool.query<{ id: string }>(
        `SELECT id FROM review_items WHERE kind = 'worker_failure' AND status = 'pending' AND resolution IS NULL AND "runId" = ANY($1) LIMIT 1`, [runs.map((x) => x.runId)]);
      item = r.rows[0];
      if (!item) await sleep(100);
    }
    await setToolFaults(env.ctx.pool, OFF); // the retry itself runs clean
    if (!item) return { trials: 0, note: "no worker_failure item within 45 s" };
    const claim = await claimReview(env.ctx.reviews, { reviewId: item.id, staff: reviewer, allowedRoles: AREA_ROLES.reviews, minutes: 15 });
    if (!claim.ok) return { trials: 0, note: `could not claim ${item.id}: ${claim.error}` };
    // A part is retried once its run has finished (before, the app refuses with
    // run_in_progress: the run's executor and the retry would both work on the task).
    const finishedBy = Date.now() + 60_000;
    for (;;) {
      const [r] = (await env.ctx.pool.query<{ status: string }>(`SELECT r.status::text FROM review_items i JOIN runs r ON r.id = i."runId" WHERE i.id = $1`, [item.id])).rows;
      if (r.status !== "queued" && r.status !== "running") break;
      if (Date.now() > finishedBy) return { trials: 0, note: `the run of ${item.id} did not finish within 60 s` };
      await sleep(100);
    }
    const victim = apps[0];
    const first = postDecision(victim, cookie, item.id, { decision: "retry" }).catch((err: Error) => ({ status: 0, reason: err.message }));
    const delay = rand(300, 1_000);
    await sleep(delay);
    const [atKill] = (await env.ctx.pool.query<{ resolution: string | null; status: string; retryOwner: string | null }>(
      `SELECT resolution, status::text, "retryOwner" FROM review_items WHERE id = $1`, [item.id])).rows;
    await sigkill(victim);
    const firstAnswer = await first;
    const killedAt = Date.now();
    apps = [await spawn(victim.name, victim.port)];
    await waitHealthy(apps[0]);
    const findings: Finding[] = [];
    const held = atKill.resolution === "retrying" && !!atKill.retryOwner?.includes(`:${victim.pid}:`);
    if (!held) {
      return { trials: 0, note: `the retry of ${item.id} was ${atKill.status}/${atKill.resolution ?? "-"} ${secs(delay)} in (answer ${firstAnswer.status}); not killed mid-retry` };
    }
    // The reviewer, seeing the error, retries again (and once more after a 503's Retry-After).
    const again = await postDecisionPatiently(apps[0], cookie, item.id, { decision: "retry" }).catch((err: Error) => ({ status: 0, reason: err.message, busy: 0 }));
    bump("busy_503", again.busy);
    const [run] = (await env.ctx.pool.query<{ id: string; customerId: string }>(`SELECT r.id, r."customerId" FROM review_items i JOIN runs r ON r.id = i."runId" WHERE i.id = $1`, [item.id])).rows;
    if (again.reason === "stale") {
      const [now] = (await env.ctx.pool.query<{ resolution: string | null; retryOwner: string | null }>(`SELECT resolution, "retryOwner" FROM review_items WHERE id = $1`, [item.id])).rows;
      // Refused as stale is right only while a live process (the restarted one, taking it over) runs it.
      if (now.resolution === "retrying" && !now.retryOwner?.includes(`:${apps[0].pid}:`)) {
        findings.push({ kind: "retry_refused", runId: run.id, customerId: run.customerId, detail: `review ${item.id}: a retry after the kill was refused as stale while ${now.retryOwner} (dead) held it` });
      }
    } else if (again.status >= 500 || again.status === 0 || again.reason === "run_in_progress") {
      findings.push({ kind: "retry_refused", runId: run.id, customerId: run.customerId, detail: `review ${item.id}: a retry after the kill failed: HTTP ${again.status} ${again.reason ?? ""}` });
    }
    const r = await env.ctx.pool.query<{ resolution: string | null; status: string }>(`SELECT resolution, status::text FROM review_items WHERE id = $1`, [item.id]);
    return {
      trials: 1,
      note: `killed ${secs(delay)} into the retry of ${item.id}; the retry after restart answered ${again.status}${again.reason ? ` ${again.reason}` : ""}; item ${r.rows[0].status}/${r.rows[0].resolution ?? "-"}`,
      timings: { retry_settled_after_kill_ms: [Date.now() - killedAt] },
      findings,
    };
  }
  async function disarmRetryFaults(out: FaultOutcome): Promise<FaultOutcome> {
    await setToolFaults(env.ctx.pool, OFF);
    return out;
  }

  // Two runs of one customer at once (the workload posts each message twice): a trial is
  // a customer whose two runs executed at the same time.
  async function noFault(): Promise<FaultOutcome> {
    return { trials: 0, note: "" };
  }
  let roundRuns: SubmittedRun[] = [];
  async function overlappingPairs(out: FaultOutcome): Promise<FaultOutcome> {
    const r = await env.ctx.pool.query<{ customerId: string; start: Date; finish: Date | null }>(
      `SELECT r."customerId", min(e."createdAt") FILTER (WHERE e.type = 'run_started') AS start, min(e."createdAt") FILTER (WHERE e.type = 'run_finished') AS finish
         FROM runs r JOIN run_events e ON e."runId" = r.id WHERE r.id = ANY($1) GROUP BY r.id, r."customerId"`, [roundRuns.map((x) => x.runId)]);
    const byCustomer = new Map<string, typeof r.rows>();
    for (const x of r.rows) byCustomer.set(x.customerId, [...(byCustomer.get(x.customerId) ?? []), x]);
    let pairs = 0;
    for (const [, xs] of byCustomer) {
      if (xs.length !== 2) continue;
      const [a, b] = xs;
      if (a.start && b.start && a.start < (b.finish ?? new Date()) && b.start < (a.finish ?? new Date())) pairs++;
    }
    bump("customers_twice", byCustomer.size);
    return { ...out, trials: pairs, note: `${pairs} of ${byCustomer.size} customers had both runs executing at once` };
  }

  const faultFor: Record<ModeName, (runs: SubmittedRun[]) => Promise<FaultOutcome>> = {
    sigkill: killAndRestart, cluster: killSome, pgterm: terminate, mcp: armTools,
    sigstop: stopAndWake, sigstop_short: stopAndWake, slow_commit: armSlowCommits, retry_kill: retryAndKill, two_runs: noFault,
  };
  // What a mode does once the round settled (disarm, count, check the fault's own invariant).
  const afterRound: Partial<Record<ModeName, (out: FaultOutcome) => Promise<FaultOutcome>>> = {
    mcp: disarmTools, sigstop: staleWrites, sigstop_short: staleWrites, slow_commit: disarmSlowCommits, retry_kill: disarmRetryFaults, two_runs: overlappingPairs,
  };
  if (mode === "mcp") await installToolFaults(env.ctx.pool);
  if (mode === "retry_kill") await installToolFaults(env.ctx.pool, ["tool_calls"]);
  if (mode === "slow_commit") await installSlowCommits(env.ctx.pool);
  if (mode === "sigstop" || mode === "sigstop_short") await installWriteLog(env.ctx.pool);
  const slow = mode === "mcp" || mode === "slow_commit";
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
        settleTimeoutMs: slow ? 150_000 : 90_000,
        quiesce: slow, // hung tool calls and stalled commits outlive their worker's timeout
        cases: mode === "two_runs" ? pickTwins() : undefined,
        holdWorkerFailures: mode === "retry_kill",
        fault: async (runs) => {
          roundRuns = runs;
          outcome = await faultFor[mode](runs);
        },
      }).catch((err) => {
        throw new Error(`${mode} round ${rounds}: ${(err as Error).message}`, { cause: err });
      });
      outcome = (await afterRound[mode]?.(outcome)) ?? outcome;
      for (const f of outcome.findings ?? []) {
        result.counts[f.kind]++;
        result.findings.push(f);
      }
      for (const [k, v] of Object.entries(outcome.timings ?? {})) (samples[k] ??= []).push(...v);
      if (mode === "sigkill" && result.settledAt && outcome.trials) {
        // From the last restart of the round: apps[0] is the process that finished it.
        (samples.settled_after_restart_ms ??= []).push(result.settledAt - apps[0].startedAt);
      }
      if (result.sweptMs > 0) bump("left_for_sweep"); // rounds with attempts only the periodic sweep closed
      trials += outcome.trials;
      decisions += result.decisions;
      racedDecisions += result.racedDecisions;
      addCounts(counts, result.counts);
      for (const f of result.findings) env.onFinding(mode, f);
      const bad = Object.entries(result.counts).filter(([k, v]) => k !== "runs" && v > 0).map(([k, v]) => `${k}=${v}`);
      env.log(`[${mode} ${Math.min(trials, env.trials)}/${env.trials}] round ${rounds}: ${result.runs.length} runs; ${outcome.note}; ${result.decisions} reviews decided; ${bad.length ? `PROBLEMS ${bad.join(" ")}` : "ok"}`);
    }
  } finally {
    if (mode === "mcp" || mode === "retry_kill") await dropToolFaults(env.ctx.pool).catch(() => {});
    if (mode === "slow_commit") await dropSlowCommits(env.ctx.pool).catch(() => {});
    if (mode === "sigstop" || mode === "sigstop_short") await dropWriteLog(env.ctx.pool).catch(() => {});
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
