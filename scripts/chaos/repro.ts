// `LOG_LEVEL=silent npx tsx scripts/chaos/repro.ts [1 2 3 4 5 6 7 8 9]`: in-process reproductions of the
// engine bugs `npm run chaos` found (docs/CHAOS.md). Each prints what happened and
// REPRODUCED or FIXED; exits 1 while any still reproduces. Scratch database on the
// DATABASE_URL server (default postgres://postgres@127.0.0.1:5432/postgres).
import { spawn } from "node:child_process";
import v8 from "node:v8";
import vm from "node:vm";
import { fixedClock } from "../../lib/clock";
import { deadlineSignal } from "../../lib/contracts";
import { createDb, type Db } from "../../lib/db/client";
import { createScratchDatabase } from "../../lib/db/scratch";
import { resetWorld, seedIfEmpty } from "../../lib/db/seed";
import { localModels } from "../../lib/models/registry";
import { createEngine, recoverRuns, startRecoveryLoop, submitMessage } from "../../lib/orchestrator/engine";
import { startRun } from "../../lib/orchestrator/run-executor";
import { claimAndDecide, claimReview } from "../../lib/orchestrator/review-decisions";
import { retryReview } from "../../lib/orchestrator/review-retry";
import { createRun } from "../../lib/orchestrator/store";
import { loadWorld } from "../../lib/world/fixture";
import { resetThenFailModel } from "../../lib/models/scripted";
import { exitAfterFlush } from "../exit-after-flush";

const world = loadWorld();
const clock = fixedClock(world.asOf);

// Child mode for repro 6: drive one run in this process until the parent kills it.
if (process.argv[2] === "--child") {
  const db = createDb(process.argv[3], 5);
  await startRun(createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(0) }), process.argv[4]);
  process.exit(0);
}

const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", "switchboard_chaos_repro");
const db = createDb(scratch.url, 10);
await seedIfEmpty(db, world);
const results: Array<{ name: string; reproduced: boolean }> = [];
const report = (name: string, reproduced: boolean, detail: string) => {
  results.push({ name, reproduced });
  console.log(`${reproduced ? "REPRODUCED" : "FIXED"}  ${name}\n  ${detail.replace(/\n/g, "\n  ")}\n`);
};

/** 1. A review decided before the run's finish step: the run's own reply message is never stored. */
async function replyLostWhenReviewDecidedEarly(db: Db) {
  await resetWorld(db, world);
  const deps = createEngine({
    db, worldAsOf: world.asOf, clock, models: localModels(0),
    // The reviewer acts while the run is between its workers and its reply.
    onBoundary: async (name, runId) => {
      if (name !== "workers_done") return;
      const item = await db.reviewItem.findFirstOrThrow({ where: { runId, status: "pending" } });
      await claimAndDecide({ db, clock }, { reviewId: item.id, decision: "approve", staffEmail: "reviewer@switchboard.local" });
    },
  });
  const { run, done } = await submitMessage(deps, { customerId: "C-1002", message: "There's an $85 international roaming charge on my bill. I never turned that on, please remove it." });
  await done;
  const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
  const messages = await db.message.findMany({ where: { runId: run.id, role: "assistant" }, orderBy: { createdAt: "asc" } });
  const stored = messages.some((m) => m.content === after.reply);
  report("reply message lost when a review is decided before the run finishes (run-executor.ts finish: hasMessage counts follow-ups)", !stored,
    `run ${run.id} status=${after.status}\nruns.reply: ${JSON.stringify(after.reply)}\nassistant messages: ${JSON.stringify(messages.map((m) => m.content))}`);
}

/**
 * Runs `fn` with a trigger `name` (a plpgsql function `body` that returns NEW or raises)
 * on `table`, and a sequence of the same name for the body to count with; drops all
 * three after, whatever happens.
 */
async function withTrigger<T>(db: Db, t: { name: string; on: string; body: string }, fn: () => Promise<T>): Promise<T> {
  await db.$executeRawUnsafe(`CREATE SEQUENCE ${t.name}`);
  await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION ${t.name}() RETURNS trigger LANGUAGE plpgsql AS $$ ${t.body} $$`);
  await db.$executeRawUnsafe(`CREATE TRIGGER ${t.name} ${t.on} FOR EACH ROW EXECUTE FUNCTION ${t.name}()`);
  try {
    return await fn();
  } finally {
    const table = t.on.split(" ON ")[1];
    await db.$executeRawUnsafe(`DROP TRIGGER ${t.name} ON ${table}`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${t.name}()`);
    await db.$executeRawUnsafe(`DROP SEQUENCE ${t.name}`);
  }
}

/** 2. A failed remote_reset (tool error) is described to the customer as a reset that did not help. */
async function failedResetReportedAsTried(db: Db) {
  await resetWorld(db, world);
  await withTrigger(db, { name: "repro_fail", on: "BEFORE UPDATE ON line_states", body: "BEGIN RAISE EXCEPTION 'repro: line system down' USING ERRCODE = 'P0001'; END" }, async () => {
    const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(0) });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
    await done;
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
    const calls = await db.toolCall.findMany({ where: { runId: run.id, tool: "remote_reset" } });
    const claims = after.reply?.includes("a remote reset didn't fix it") ?? false;
    report("tech support reply says a remote reset was tried when remote_reset failed (tech-support-brain.ts ignores isError)",
      claims && !ledger.some((l) => l.tool === "remote_reset"),
      `run ${run.id}\nremote_reset tool calls: ${JSON.stringify(calls.map((c) => c.result))}\nledger: ${JSON.stringify(ledger.map((l) => l.idempotencyKey))}\nreply: ${JSON.stringify(after.reply)}`);
  });
}

/**
 * 3. The recovery loop waits for the runs it claimed to finish before it polls again, so
 * a run whose lease expires a moment later waits for that whole batch, not ~1 s.
 */
async function recoveryWaitsForBatch(db: Db) {
  await resetWorld(db, world);
  const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(1_000) });
  const a = (await createRun(db, { customerId: "C-1001", message: "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan." })).run;
  const b = (await createRun(db, { customerId: "C-1009", message: "I moved to Fiber 300 last month but my bill still charges the Fiber 500 price." })).run;
  // Both held by a process that died: a's lease has expired, b's expires in 1.5 s.
  const t0 = Date.now();
  await db.run.update({ where: { id: a.id }, data: { status: "running", attempts: 1, leaseOwner: "dead:0:repro", leaseExpiresAt: new Date(t0 - 1_000) } });
  await db.run.update({ where: { id: b.id }, data: { status: "running", attempts: 1, leaseOwner: "dead:0:repro", leaseExpiresAt: new Date(t0 + 1_500) } });
  const stop = new AbortController();
  startRecoveryLoop(deps, stop.signal);
  let claimedB = NaN;
  while (Date.now() - t0 < 30_000) {
    const rb = await db.run.findUniqueOrThrow({ where: { id: b.id } });
    if (rb.leaseOwner === deps.owner || rb.status !== "running") {
      claimedB = Date.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const ra = await db.run.findUniqueOrThrow({ where: { id: a.id } });
  stop.abort();
  // Let both runs end before the database goes away.
  while ((await db.run.count({ where: { status: "running", leaseOwner: deps.owner } })) > 0) await new Promise((r) => setTimeout(r, 100));
  const aDone = ra.finishedAt ? ra.finishedAt.getTime() - t0 : NaN;
  report("recovery loop claims a run only after the previous batch finished (engine.ts startRecoveryLoop awaits recoverRuns → driveRun)",
    !(claimedB < 3_000),
    `run b's lease expired 1.5 s after the start; the loop polls every 1 s; b was claimed after ${claimedB} ms (run a, claimed first, finished at ${aDone} ms)`);
}

/**
 * 4. A tool call that outlives its worker's 20 s timeout is not stopped: when its
 * transaction is closed under it, withTransientRetry runs the tool again, and the
 * effect lands after the worker gave up (twice) and the run told the customer that
 * part could not be completed. Takes about a minute (two 22 s hangs).
 */
async function effectAfterWorkerGaveUp(db: Db) {
  await resetWorld(db, world);
  // The first two credit inserts hang past the worker's timeout; later ones go through.
  await withTrigger(db, { name: "repro_hang", on: "BEFORE INSERT ON credits", body: "BEGIN IF nextval('repro_hang') <= 2 THEN PERFORM pg_sleep(22); END IF; RETURN NEW; END" }, async () => {
    const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(0) });
    const { run, done } = await submitMessage(deps, { customerId: "C-1009", message: "I moved to Fiber 300 last month but my bill still charges the Fiber 500 price." });
    await done;
    const finished = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    const atFinish = await db.sideEffect.count({ where: { runId: run.id } });
    await new Promise((r) => setTimeout(r, 15_000)); // the abandoned calls' retries
    const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
    const credits = await db.credit.findMany({ where: { runId: run.id } });
    const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, orderBy: { attempt: "asc" }, select: { attempt: true, status: true, latencyMs: true } });
    const detail = `run ${run.id} finished ${finished.status} at ${finished.finishedAt?.toISOString()} with ${atFinish} ledger rows; invocations ${JSON.stringify(invocations)}\nreply: ${JSON.stringify(finished.reply)}\n` +
      `15 s later: ledger ${JSON.stringify(ledger.map((l) => [l.idempotencyKey, l.createdAt.toISOString()]))}, credits ${JSON.stringify(credits.map((c) => [c.amountCents, c.createdAt.toISOString()]))}`;
    const name = "a timed-out tool call applies its effect after the run finished (tool transaction timeout → withTransientRetry re-runs the tool)";
    // It needs both attempts to time out; with repro 7 a GC can swallow the 20 s timeout.
    if (invocations.some((i) => i.status === "succeeded" && (i.latencyMs ?? 0) > 20_000)) {
      console.log(`INCONCLUSIVE  ${name}\n  an attempt ran past its 20 s timeout (repro 7), so the worker never gave up\n  ${detail.replace(/\n/g, "\n  ")}\n`);
      return;
    }
    report(name, ledger.length > 0 && !(finished.reply ?? "").includes("credited"), detail);
  });
}

/**
 * 5. The worker's own bookkeeping after a tool answered (the tool_result event) fails
 * with a dropped connection: the error is thrown out of the tool's execute, so the AI
 * SDK hands it to the model as the tool's result, and the reply says the opposite of
 * what the tool did. pgterm hits this; here one event insert fails with 57P01.
 */
async function bookkeepingErrorReadAsToolResult(db: Db) {
  await resetWorld(db, world);
  await withTrigger(db, {
    name: "repro_drop",
    on: "BEFORE INSERT ON run_events",
    body: `BEGIN
      IF NEW.type = 'tool_result' AND NEW.data->>'tool' = 'change_plan' AND nextval('repro_drop') = 1 THEN
        RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
      END IF;
      RETURN NEW;
    END`,
  }, async () => {
    const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(0) });
    const { run, done } = await submitMessage(deps, { customerId: "C-1006", message: "Please move me down to Fiber 100." });
    await done;
    const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
    const customer = await db.customer.findUniqueOrThrow({ where: { id: "C-1006" } });
    report("a failed event write after a tool answered reaches the model as the tool's error (invoke-worker.ts recordedTools)",
      ledger.some((l) => l.tool === "change_plan") && !(after.reply ?? "").includes("your plan is now"),
      `run ${run.id} ${after.status}\nledger: ${JSON.stringify(ledger.map((l) => [l.tool, (l.result as { status?: string }).status]))}; customer plan now ${customer.planId}\nreply: ${JSON.stringify(after.reply)}`);
  });
}

/**
 * 6. A process killed after a worker's invocation was stored as succeeded but before
 * its review items were created: the resumed run reuses the stored result
 * (lastSucceededInvocation) and never asks for the review, yet its reply says the
 * credit was sent for review. Nobody will ever decide it. The kill lands while a
 * trigger holds the review item's insert (which then fails, so nothing of it commits).
 */
async function reviewLostOnResume(db: Db) {
  await resetWorld(db, world);
  const { run } = await createRun(db, { customerId: "C-1002", message: "There's an $85 international roaming charge on my bill. I never turned that on, please remove it." });
  await withTrigger(db, {
    name: "repro_review",
    on: "BEFORE INSERT ON review_items",
    body: `BEGIN
      PERFORM nextval('repro_review');
      PERFORM pg_sleep(3);
      -- A backend whose client died still finishes its statement: fail it, as if the
      -- process had died before sending the insert at all.
      RAISE EXCEPTION 'repro: the process died before this insert' USING ERRCODE = 'P0001';
    END`,
  }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", process.argv[1], "--child", scratch.url, run.id], { stdio: "ignore", env: { ...process.env, LOG_LEVEL: "silent" } });
    // Wait until the child is inside the review item's insert, then kill it there.
    for (let i = 0; i < 600; i++) {
      const r = await db.$queryRawUnsafe<Array<{ is_called: boolean }>>(`SELECT is_called FROM repro_review`);
      if (r[0].is_called) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    child.kill("SIGKILL");
  });
  const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(0) });
  for (let i = 0; i < 100; i++) {
    await recoverRuns(deps); // takes the run over once the dead child's lease expired
    const r = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    if (r.status !== "running" && r.status !== "queued") break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
  const reviews = await db.reviewItem.count({ where: { runId: run.id } });
  const invocations = await db.workerInvocation.findMany({ where: { runId: run.id }, select: { attempt: true, status: true } });
  report("review request lost when the process dies between a worker's success and its review items (workers-step.ts runTask reuses lastSucceededInvocation)",
    reviews === 0 && (after.reply ?? "").includes("sent it for review"),
    `run ${run.id} ${after.status} after ${after.attempts} attempts; invocations ${JSON.stringify(invocations)}; review items: ${reviews}\nreply: ${JSON.stringify(after.reply)}`);
}

/**
 * 7. The worker's timeout is lost after a garbage collection: workers-step.ts builds
 * each attempt's signal as AbortSignal.any([runSignal, AbortSignal.timeout(20_000)]),
 * and on Node 20 the inner timeout signal can be collected before it fires
 * (nodejs/node#57736), so the attempt never times out. Same construction, 300 ms.
 */
async function workerTimeoutLostAfterGc() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const run = new AbortController();
  const { signal } = deadlineSignal(run.signal, 300); // as workers-step.ts runTask builds it now (was AbortSignal.any + AbortSignal.timeout)
  let aborted = false;
  signal.addEventListener("abort", () => (aborted = true));
  await new Promise((r) => setTimeout(r, 50));
  gc();
  await new Promise((r) => setTimeout(r, 700));
  report("the worker's attempt timeout never fires after a GC (workers-step.ts: was AbortSignal.any with AbortSignal.timeout, nodejs/node#57736)", !aborted && !signal.aborted,
    `${process.version}: deadlineSignal(run, 300) with a listener, one GC at 50 ms: aborted after 750 ms = ${aborted}`);
}

/**
 * 8. A worker whose attempts all fail after one of them committed an effect: the reply
 * said "I couldn't complete the technical support part…" while the ledger held the
 * run's remote reset. Technical support here tests the line, resets it, then its model
 * stops answering on every later step (in chaos: the next call hung past the timeout).
 */
async function effectOfFailedWorkerUnsaid(db: Db) {
  await resetWorld(db, world);
  const tech = resetThenFailModel();
  const deps = createEngine({ db, worldAsOf: world.asOf, clock, models: { ...localModels(0), tech_support: tech.model }, retryBackoffMs: 10 });
  const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
  await done;
  const after = await db.run.findUniqueOrThrow({ where: { id: run.id } });
  const ledger = await db.sideEffect.findMany({ where: { runId: run.id } });
  const fixed = ledger.some((l) => l.tool === "remote_reset" && (l.result as { status?: string }).status === "fixed");
  report("a worker that failed after its remote reset fixed the line: the reply says only that the part couldn't be completed (workers-step.ts: failures carry no effects)",
    fixed && !(after.reply ?? "").includes("fixed it with a remote reset"),
    `run ${run.id} status=${after.status}\nledger: ${JSON.stringify(ledger.map((l) => [l.tool, (l.result as { status?: string }).status]))}\nreply: ${JSON.stringify(after.reply)}`);
}

/**
 * 9. A reviewer retries a failed part while the run is still writing its reply: the run's
 * finish closes the retry's live worker attempt as lease_lost (closeAbandonedInvocations).
 */
async function finishClosesLiveRetry(db: Db) {
  await resetWorld(db, world);
  const staff = await db.staffUser.findUniqueOrThrow({ where: { email: "reviewer@switchboard.local" }, select: { id: true, email: true, name: true } });
  // The retry's worker answers at 300 ms a call: still running when the run finishes.
  const retryDeps = createEngine({ db, worldAsOf: world.asOf, clock, models: localModels(300) });
  let retry: Promise<unknown> = Promise.resolve();
  let seen: { status: string; resolution: string | null } | null = null;
  const tech = resetThenFailModel();
  const deps = createEngine({
    db, worldAsOf: world.asOf, clock, models: { ...localModels(0), tech_support: tech.model }, retryBackoffMs: 10,
    onBoundary: async (name, runId) => {
      if (name === "workers_done") {
        const item = await db.reviewItem.findFirstOrThrow({ where: { runId, kind: "worker_failure" } });
        await claimReview({ db, clock }, { reviewId: item.id, staff, allowedRoles: ["reviewer", "admin"], minutes: 15 });
        let answered = false;
        retry = retryReview(retryDeps, { reviewId: item.id, staff, allowedRoles: ["reviewer", "admin"] }).finally(() => (answered = true));
        // Until the retry's own attempt (the third of the task) is running, or the retry was refused.
        while (!answered && !(await db.workerInvocation.findFirst({ where: { runId, attempt: 3, status: "running" } }))) await new Promise((r) => setTimeout(r, 20));
      }
      if (name === "finished") {
        const inv = await db.workerInvocation.findFirst({ where: { runId, attempt: 3 } });
        const item = await db.reviewItem.findFirstOrThrow({ where: { runId, kind: "worker_failure" } });
        seen = { status: inv?.status ?? "none (the retry was refused)", resolution: item.resolution };
      }
    },
  });
  const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
  await done;
  await retry.catch(() => {});
  const after = seen as { status: string; resolution: string | null } | null;
  report("a reviewer's retry started before the run finished: the run's finish closes the retry's live attempt (store/runs.ts closeAbandonedInvocations)",
    after?.status === "lease_lost" && after.resolution === "retrying",
    `run ${run.id}: at the run's finish the retry's attempt 3 was ${after?.status ?? "?"} while the item was ${after?.resolution ?? "-"}`);
}

// `repro.ts 1 3` runs only those; no arguments runs all (number 4 takes about a minute).
const all = [replyLostWhenReviewDecidedEarly, failedResetReportedAsTried, recoveryWaitsForBatch, effectAfterWorkerGaveUp, bookkeepingErrorReadAsToolResult, reviewLostOnResume, workerTimeoutLostAfterGc, effectOfFailedWorkerUnsaid, finishClosesLiveRetry];
const chosen = process.argv.slice(2).map(Number).filter((n) => n >= 1 && n <= all.length);
try {
  for (const [i, repro] of all.entries()) if (!chosen.length || chosen.includes(i + 1)) await repro(db);
} finally {
  await db.$disconnect();
  await scratch.drop();
}
await exitAfterFlush(results.some((r) => r.reproduced) ? 1 : 0);
