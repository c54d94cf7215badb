// One round: a fresh world, a burst of concurrent runs (one per customer, or two), the
// mode's fault at a random moment, a reviewer deciding review items while runs are
// still going (sometimes two reviewers racing on one item), then the checker.
import type pg from "pg";
import type { Db } from "../../lib/db/client";
import { resetWorld } from "../../lib/db/seed";
import { claimAndDecide, type ReviewDeps } from "../../lib/orchestrator/review-decisions";
import { loadWorld } from "../../lib/world/fixture";
import { checkRound, type Counts, type Finding } from "./check";
import { sleep } from "../../lib/backoff";
import type { AppProcess } from "./cluster";
import { pickCases, submitRun, type ChaosCase, type SubmittedRun } from "./workload";

export interface RoundContext {
  pool: pg.Pool; // the chaos process's own sessions (application_name chaos)
  db: Db; // the same, through Prisma, for the world reset and review decisions
  reviews: ReviewDeps;
  apps: () => AppProcess[];
}

export interface RoundResult {
  runs: SubmittedRun[];
  counts: Counts;
  findings: Finding[];
  /** When the last run of the round was finished or awaiting review (epoch ms). */
  settledAt: number;
  /** How long worker attempts stayed `running` in finished runs after the settle, until the sweep closed them (0: none; NaN: not within 45 s). */
  sweptMs: number;
  decisions: number;
  racedDecisions: number;
}

const TERMINAL = new Set(["completed", "awaiting_review", "failed"]);
const world = loadWorld();

async function resetRoundWorld(ctx: RoundContext) {
  await resetWorld(ctx.db, world);
}

/** Statuses of the given runs, by id. */
export async function runStates(pool: pg.Pool, ids: string[]) {
  const r = await pool.query<{ id: string; status: string; leaseOwner: string | null }>(
    `SELECT id, status::text, "leaseOwner" FROM runs WHERE id = ANY($1)`, [ids]);
  return r.rows;
}

/**
 * Decides one review item as a reviewer would: approve (mostly) or reject. One time in
 * three a second reviewer decides the same item at the same moment: exactly one of
 * the two may win, and the customer must get one follow-up.
 */
async function decide(ctx: RoundContext, reviewId: string, findings: Finding[]): Promise<{ raced: boolean }> {
  const kind = (await ctx.reviews.db.reviewItem.findUnique({ where: { id: reviewId }, select: { kind: true } }))?.kind;
  // What "approve" means for the item's kind: execute the stored action, or answer the customer.
  const approve = kind === "low_confidence" || kind === "worker_failure" ? ({ decision: "send_written", reply: "A specialist checked this part for you." } as const) : ({ decision: "approve" } as const);
  const reject = { decision: "reject", note: "Not approved in the chaos round" } as const;
  const decision = Math.random() < 0.75 ? approve : reject;
  const raced = Math.random() < 1 / 3;
  const calls = [claimAndDecide(ctx.reviews, { reviewId, ...decision, staffEmail: "reviewer@switchboard.local" })];
  if (raced) {
    const other = Math.random() < 0.5 ? decision : decision === approve ? reject : approve;
    calls.push(claimAndDecide(ctx.reviews, { reviewId, ...other, staffEmail: "admin@switchboard.local" }));
  }
  const results = await Promise.allSettled(calls);
  const wins = results.filter((r) => r.status === "fulfilled" && r.value.ok).length;
  if (wins > 1) findings.push({ kind: "duplicate_followups", runId: null, customerId: null, detail: `review ${reviewId} was decided ${wins} times` });
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return { raced };
}

async function pendingReviews(pool: pg.Pool, runIds: string[], opts: { holdWorkerFailures?: boolean } = {}) {
  const r = await pool.query<{ id: string; kind: string }>(`SELECT id, kind::text FROM review_items WHERE status = 'pending' AND "runId" = ANY($1)`, [runIds]);
  return r.rows.filter((x) => !(opts.holdWorkerFailures && x.kind === "worker_failure")).map((x) => x.id);
}

/** Waits (up to `timeoutMs`) until no finished run of the round has a worker attempt `running`; how long it took (0: none at once). */
async function waitInvocationsClosed(pool: pg.Pool, runIds: string[], timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (let first = true; Date.now() - start < timeoutMs; first = false) {
    const r = await pool.query(
      `SELECT 1 FROM worker_invocations i JOIN runs r ON r.id = i."runId"
        WHERE i."runId" = ANY($1) AND i.status = 'running' AND r.status IN ('completed', 'awaiting_review', 'failed') LIMIT 1`, [runIds]);
    if (!r.rowCount) return first ? 0 : Math.max(1, Date.now() - start);
    await sleep(250);
  }
  return NaN;
}

/** Waits (up to `timeoutMs`) until no review item of the round is being retried; how long it took. */
async function waitRetriesDone(pool: pg.Pool, runIds: string[], timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const r = await pool.query(`SELECT 1 FROM review_items WHERE resolution = 'retrying' AND "runId" = ANY($1) LIMIT 1`, [runIds]);
    if (!r.rowCount) return Date.now() - start;
    await sleep(100);
  }
  return NaN;
}

/**
 * Runs a round. `fault` is started together with the submissions and receives the
 * round's run ids as they become known; the round settles when every run is
 * finished or waits for review and the fault has returned.
 */
/**
 * Waits until none of the app's sessions has been busy for `quietMs` in a row (nothing
 * in a transaction, no statement running longer than 250 ms). A tool call whose
 * worker gave up on it (timeout) can still be running, or retrying, inside the app:
 * whatever it does must be checked with this round, not land in the next one's world.
 */
async function waitAppQuiet(pool: pg.Pool, quietMs: number, timeoutMs: number): Promise<number> {
  const start = Date.now();
  let quietSince = Date.now();
  while (Date.now() - start < timeoutMs) {
    const r = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'chaos-app-%'
         AND (state LIKE 'idle in transaction%' OR (state = 'active' AND now() - query_start > interval '250 milliseconds'))`);
    if (Number(r.rows[0].n) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return Date.now() - start;
    await sleep(100);
  }
  return NaN;
}

export async function runRound(
  ctx: RoundContext,
  opts: {
    minCases: number;
    settleTimeoutMs: number;
    quiesce?: boolean;
    /** The round's messages (default: six to twelve customers, one run each). */
    cases?: ChaosCase[];
    /** Leave worker_failure items to the fault while it runs (retry_kill retries one). */
    holdWorkerFailures?: boolean;
    fault: (runs: SubmittedRun[]) => Promise<void>;
  },
): Promise<RoundResult> {
  await resetRoundWorld(ctx);
  const findings: Finding[] = [];
  const runs: SubmittedRun[] = [];
  const deadline = Date.now() + opts.settleTimeoutMs;
  // Staggered by up to 600 ms, so the fault finds runs at different steps.
  const submissions = (opts.cases ?? pickCases(opts.minCases)).map(async (c, i) => {
    await sleep(Math.random() * 600);
    runs.push(await submitRun(ctx.apps, c, { repeat: i % 4 === 0, deadline }));
  });
  let faultDone = false;
  const fault = opts.fault(runs).finally(() => {
    faultDone = true;
  });
  const submitted = Promise.all(submissions);

  // While runs are going, a reviewer picks up items as they appear (about half of them
  // at once, the rest after the round has settled).
  const seen = new Set<string>();
  let decisions = 0;
  let racedDecisions = 0;
  let settledAt = 0;
  let allSubmitted = false;
  void submitted.then(() => (allSubmitted = true), () => (allSubmitted = true));
  while (Date.now() < deadline) {
    const ids = runs.map((r) => r.runId);
    for (const id of await pendingReviews(ctx.pool, ids, { holdWorkerFailures: opts.holdWorkerFailures && !faultDone })) {
      if (seen.has(id)) continue;
      seen.add(id);
      if (Math.random() < 0.5) {
        decisions++;
        if ((await decide(ctx, id, findings)).raced) racedDecisions++;
      }
    }
    const states = await runStates(ctx.pool, ids);
    if (allSubmitted && faultDone && states.length === ids.length && states.every((s) => TERMINAL.has(s.status))) {
      settledAt = Date.now();
      break;
    }
    await sleep(100);
  }
  await submitted; // rejects if a run could not even be started
  await fault;
  if (opts.quiesce) await waitAppQuiet(ctx.pool, 2_500, 90_000);
  const ids = runs.map((r) => r.runId);
  // A retry of a failed part still running (or taken over after its process died) finishes first.
  await waitRetriesDone(ctx.pool, ids, 60_000);
  // Worker attempts left `running` in a finished run are closed by the claim or the finish
  // that replaced them, or else by the periodic sweep (every 20 s): give the sweep one turn.
  const sweptMs = await waitInvocationsClosed(ctx.pool, ids, 45_000);

  // The rest of the reviews, all at once.
  const rest = await pendingReviews(ctx.pool, ids);
  const outcomes = await Promise.all(rest.filter(() => Math.random() < 0.8).map((id) => decide(ctx, id, findings)));
  decisions += outcomes.length;
  racedDecisions += outcomes.filter((o) => o.raced).length;

  const checked = await checkRound(ctx.pool, ids);
  for (const f of findings) checked.counts[f.kind]++; // the reviewers' own (a review won twice)
  return { runs, counts: checked.counts, findings: [...findings, ...checked.findings], settledAt, sweptMs, decisions, racedDecisions };
}
