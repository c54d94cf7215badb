// `npm run bench`: the article's latency trade-off, measured. A 3-worker message
// (billing + tech support + account) with a simulated 500 ms per model call, on a
// scratch database with full persistence, run three ways: workers in parallel with
// progressive synthesis (the default), in parallel with one synthesis call after the
// slowest worker (the engine before progressive synthesis), and one after another.
// Each figure is a median over BENCH_REPEATS runs, next to its physical limit: the
// model calls on the critical path × the latency. Then the workers' input tokens
// against a baseline that forwards the whole conversation to every worker. Then the
// engine's own cost at 0 ms per model call (./bench-orchestration): orchestration
// alone (a scripted model replaying the local model's answers) and the local model's
// compute, in wall and CPU time; a run whose workers hit the worker cache; throughput
// with several clients; peak memory. The last table sums it all up, then a JSON line.
import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import os from "node:os";
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { createScratchDatabase } from "../lib/db/scratch";
import { resetWorld } from "../lib/db/seed";
import { countPromptTokens, loadCorpus, trainIntentModel } from "../lib/models/local/nlu";
import { localModels, type Models } from "../lib/models/registry";
import { createEngine, submitMessage } from "../lib/orchestrator/engine";
import type { StoredRunEvent } from "../lib/orchestrator/events";
import { startRun } from "../lib/orchestrator/run-executor";
import { createRun } from "../lib/orchestrator/store";
import { loadWorld } from "../lib/world/fixture";
import { langGraphSupervisor, type WorkerScript } from "./bench-langgraph";
import { cacheHitCost, countingDb, orchestrationCost, throughput, type RunCost } from "./bench-orchestration";
import { exitAfterFlush } from "./exit-after-flush";
import { median } from "../lib/stats";

const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 500);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// The 0 ms runs are short: more of them for steadier medians.
const ZERO_REPEATS = Number(process.env.BENCH_ZERO_REPEATS ?? 10);
const THROUGHPUT_S = Number(process.env.BENCH_THROUGHPUT_S ?? 10);
const THROUGHPUT_CLIENTS = (process.env.BENCH_THROUGHPUT_CLIENTS ?? "1,4,8").split(",").map(Number);
// Read-only parts for C-1003 (whose line is down in a known outage, so nothing is reset and no
// worker's result is invalidated by another's effect): asked again, every worker is a cache hit.
const CACHE_CUSTOMER = "C-1003";
const CACHE_MESSAGE = "When is my next bill due? Also is there an outage in my area, and which plan am I on?";
const MESSAGE = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";
const WORKERS = ["billing", "tech_support", "account"] as const;

const world = loadWorld();
const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_bench");
const db = createDb(scratch.url, 10);
// The same database through a client that counts the SQL statements it sends (the 0 ms runs).
const counted = countingDb(scratch.url, 10);

/** The models of one role set, counting each role's calls and keeping what each call was sent. */
function recorded(models: Models) {
  const calls: { role: string; options: LanguageModelV4CallOptions }[] = [];
  const wrap = (role: string, m: LanguageModelV4): LanguageModelV4 => ({
    specificationVersion: "v4",
    provider: m.provider,
    modelId: m.modelId,
    supportedUrls: m.supportedUrls,
    doGenerate: (o) => (calls.push({ role, options: o }), m.doGenerate(o)),
    doStream: (o) => (calls.push({ role, options: o }), m.doStream(o)),
  });
  const wrapped = Object.fromEntries(Object.entries(models).map(([r, m]) => [r, wrap(r, m)])) as Models;
  return { models: wrapped, calls, count: (role: string) => calls.filter((c) => c.role === role).length };
}

type Mode = { label: string; concurrency: number; progressive: boolean };
const MODES: Mode[] = [
  { label: "parallel, progressive synthesis", concurrency: Infinity, progressive: true },
  { label: "parallel, one synthesis after all", concurrency: Infinity, progressive: false },
  { label: "sequential, one synthesis after all", concurrency: 1, progressive: false },
];

async function measure(mode: Mode, latency: number) {
  const rec = recorded(localModels(latency));
  const deps = createEngine({
    db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: rec.models,
    workerConcurrency: mode.concurrency, progressiveSynthesis: mode.progressive,
  });
  await resetWorld(db, world);
  const t0 = performance.now();
  const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
  const seen: Partial<Record<"progress" | "text", number>> = {};
  const unsubscribe = deps.bus!.subscribe(run.id, (e: StoredRunEvent) => {
    if ((e.type === "tool_call" || e.type === "worker_partial") && seen.progress === undefined) seen.progress = performance.now() - t0;
    if (e.type === "message_delta" && seen.text === undefined) seen.text = performance.now() - t0;
  });
  const status = await startRun(deps, run.id);
  const wallMs = performance.now() - t0;
  unsubscribe();
  const modelCalls = await db.modelCall.findMany({ where: { runId: run.id } });
  const workerCalls = WORKERS.map((w) => rec.count(w));
  const plan = rec.count("supervisor");
  // The model calls on the critical path, at `latency` each (streaming time left out).
  const seq = mode.concurrency === 1;
  const limits = {
    progress: latency * (plan + 1),
    text: latency * (plan + (seq ? workerCalls.reduce((a, b) => a + b, 0) : mode.progressive ? Math.min(...workerCalls) : Math.max(...workerCalls)) + 1),
    wall: latency * (plan + (seq ? workerCalls.reduce((a, b) => a + b, 0) : Math.max(...workerCalls)) + 1),
  };
  // What each worker did, step by step (its last call's prompt holds every earlier step), to replay elsewhere.
  const scripts: WorkerScript[] = WORKERS.map((w) => {
    const last = rec.calls.filter((c) => c.role === w).at(-1);
    const steps = (last?.options.prompt ?? []).flatMap((m) =>
      m.role === "assistant" && Array.isArray(m.content) ? [m.content.flatMap((p) => (p.type === "tool-call" ? [p.toolName] : []))] : [],
    );
    return { name: w, steps: steps.filter((s) => s.length > 0), answer: `${w} answer` };
  });
  const toolMs = (await db.toolCall.findMany({ where: { runId: run.id }, select: { latencyMs: true } })).map((t) => t.latencyMs ?? 0);
  return {
    status, wallMs, progressMs: seen.progress ?? NaN, textMs: seen.text ?? NaN, limits, workerCalls, scripts, toolMs: median(toolMs),
    synthesisCalls: rec.count("synthesis"),
    tokensIn: modelCalls.reduce((s, c) => s + c.tokensIn, 0),
    tokensOut: modelCalls.reduce((s, c) => s + c.tokensOut, 0),
  };
}

const ms = (x: number) => Math.round(x);

/**
 * Input tokens per worker for the 3-part message sent as the third message of a
 * conversation, and the same calls if every worker were also sent the whole
 * conversation (the article's "overly chatty" anti-pattern): the conversation's
 * messages added to each worker model call.
 */
async function workerTokens() {
  await resetWorld(db, world);
  const rec = recorded(localModels(0));
  const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: rec.models });
  const first = await submitMessage(deps, { customerId: "C-1001", message: "Which plan am I on right now?" });
  await first.done;
  const second = await submitMessage(deps, { customerId: "C-1001", message: "When is my next bill due?", conversationId: first.run.conversationId });
  await second.done;
  rec.calls.length = 0;
  const third = await submitMessage(deps, { customerId: "C-1001", message: MESSAGE, conversationId: first.run.conversationId });
  await third.done;
  const history = await db.message.findMany({ where: { conversationId: first.run.conversationId, createdAt: { lte: third.run.createdAt } }, orderBy: { createdAt: "asc" } });
  const conversation = history.map((m) => ({ role: m.role as "user" | "assistant", content: m.content }));
  const conversationTokens = countPromptTokens(conversation);
  const rows: Record<string, Record<string, number>> = {};
  let actualRun = 0;
  let baselineRun = 0;
  for (const c of rec.calls) {
    const input = countPromptTokens(c.options.prompt, c.options.tools);
    actualRun += input;
    baselineRun += input + (WORKERS.includes(c.role as never) ? conversationTokens - taskTokens(c.options) : 0);
  }
  for (const w of WORKERS) {
    const mine = rec.calls.filter((c) => c.role === w);
    const parts = { system: 0, tools: 0, task: 0, toolResults: 0 };
    for (const c of mine) {
      parts.system += countPromptTokens(c.options.prompt.filter((m) => m.role === "system"));
      parts.tools += countPromptTokens([], c.options.tools);
      parts.task += taskTokens(c.options);
      parts.toolResults += countPromptTokens(c.options.prompt.filter((m) => m.role === "assistant" || m.role === "tool"));
    }
    const actual = mine.reduce((s, c) => s + countPromptTokens(c.options.prompt, c.options.tools), 0);
    const baseline = actual + mine.length * conversationTokens - parts.task;
    rows[w] = { "model calls": mine.length, "input tokens": actual, "…system": parts.system, "…tool schemas": parts.tools, "…sub-task": parts.task, "…earlier tool calls and results": parts.toolResults, "whole-conversation baseline": baseline };
  }
  return { rows, actualRun, baselineRun, conversationTokens, messages: history.length };
}

/** The one-worker questions between the 3-part messages (the same customer, nothing changed). */
const BETWEEN = ["When is my next bill due?", "is there an outage near me?", "Which plan am I on right now?"];

/**
 * A read-only 3-part message as message 1, 3, 5 and 7 of one conversation, a one-worker
 * question between them: the input tokens of its planning, worker and synthesis calls at
 * each position. The planner reads the last exchange and the conversation's state; a
 * worker is sent its sub-task only, so its tokens should not grow with the conversation.
 * Read-only, so every position finds the same data (C-1003's line is down in a known
 * outage: nothing is reset).
 */
async function tokensByPosition() {
  await resetWorld(db, world);
  const rec = recorded(localModels(0));
  const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: rec.models });
  let conversationId: string | undefined;
  const send = async (message: string) => {
    const { run, done } = await submitMessage(deps, { customerId: CACHE_CUSTOMER, message, conversationId });
    const status = await done;
    conversationId = run.conversationId;
    return { run, status };
  };
  const input = (which: (role: string) => boolean) =>
    rec.calls.filter((c) => which(c.role)).reduce((s, c) => s + countPromptTokens(c.options.prompt, c.options.tools), 0);
  const rows: Array<{ position: number; supervisor: number; workers: number; workerCalls: number; synthesis: number; synthesisCalls: number; sameTasks: boolean; status: string }> = [];
  let firstTasks = "";
  for (let i = 0; i < 4; i++) {
    if (i > 0) await send(BETWEEN[i - 1]);
    // The last position (or the question before) answered the same sub-tasks: without this,
    // the workers would be served from the worker cache and make no model call at all.
    await db.workerCacheEntry.deleteMany({ where: { customerId: CACHE_CUSTOMER } });
    rec.calls.length = 0;
    const { run, status } = await send(CACHE_MESSAGE);
    const plan = (await db.run.findUniqueOrThrow({ where: { id: run.id } })).plan as { tasks?: Array<{ worker: string; instruction: string }> } | null;
    const tasks = JSON.stringify((plan?.tasks ?? []).map((t) => [t.worker, t.instruction]));
    if (i === 0) firstTasks = tasks;
    rows.push({
      position: 2 * i + 1,
      supervisor: input((r) => r === "supervisor"),
      workers: input((r) => WORKERS.includes(r as never)),
      workerCalls: rec.calls.filter((c) => WORKERS.includes(c.role as never)).length,
      synthesis: input((r) => r === "synthesis"),
      // Progressive synthesis writes a part per group of workers that finished together: timing, not the conversation.
      synthesisCalls: rec.count("synthesis"),
      sameTasks: tasks === firstTasks,
      status,
    });
  }
  return { rows, workersConstant: rows.every((r) => r.workers === rows[0].workers) };
}

/** The tokens of a worker call's user turn (its sub-task). */
function taskTokens(o: LanguageModelV4CallOptions): number {
  return countPromptTokens(o.prompt.filter((m) => m.role === "user"));
}

type Result = Awaited<ReturnType<typeof measure>>;

/** The latency table: each mode's medians against its limits, and the 0 ms wall time. */
function printLatency(results: Map<Mode, Result[]>, zero: Result[]) {
  console.log(`\nSimulated model latency: ${LATENCY} ms per call; median of ${REPEATS} runs each (${scratch.kind} database, full persistence)`);
  const table: Record<string, Record<string, string | number>> = {};
  const summary: Record<string, Record<string, number>> = {};
  for (const m of MODES) {
    const rs = results.get(m)!;
    const med = (f: (r: Result) => number) => median(rs.map(f));
    const row = {
      wall: med((r) => r.wallMs), wallLimit: rs[0].limits.wall,
      firstProgress: med((r) => r.progressMs), progressLimit: rs[0].limits.progress,
      firstText: med((r) => r.textMs), textLimit: rs[0].limits.text,
    };
    summary[m.label] = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, ms(v)]));
    table[m.label] = {
      "wall ms (limit)": `${ms(row.wall)} (${row.wallLimit}) ×${(row.wall / row.wallLimit).toFixed(2)}`,
      "first progress ms (limit)": `${ms(row.firstProgress)} (${row.progressLimit})`,
      "first reply text ms (limit)": `${ms(row.firstText)} (${row.textLimit}) ×${(row.firstText / row.textLimit).toFixed(2)}`,
      "synthesis calls": median(rs.map((r) => r.synthesisCalls)),
      "worker calls b/t/a": rs[0].workerCalls.join("/"),
      status: rs[0].status,
    };
  }
  console.table(table);
  const prog = summary[MODES[0].label];
  const single = summary[MODES[1].label];
  const seq = summary[MODES[2].label];
  console.log(`progressive synthesis: first reply text ${single.firstText} → ${prog.firstText} ms (${(single.firstText / prog.firstText).toFixed(2)}× sooner), wall ${single.wall} → ${prog.wall} ms`);
  console.log(`parallel vs sequential wall: ${seq.wall} → ${prog.wall} ms (${(seq.wall / prog.wall).toFixed(2)}×)`);
  const zeroWallMs = ms(median(zero.map((r) => r.wallMs)));
  console.log(`at 0 ms per model call: wall ${zeroWallMs} ms per 3-worker run (orchestration, persistence and the local model's own compute)`);
  return { summary, zeroWallMs };
}

/**
 * The same workload through LangGraph's supervisor in this process: the same latency
 * per model call, the same tool latency (the median of Switchboard's tool calls), each
 * worker replaying the model and tool calls Switchboard's made, with PostgresSaver.
 */
async function compareWithLangGraph(ours: Result[], zeroRuns: Result[], summary: Record<string, number>) {
  const scripts = ours[0].scripts;
  const toolMs = median(ours.map((r) => r.toolMs));
  const run = async (latencyMs: number) => {
    const lg = await langGraphSupervisor({ databaseUrl: scratch.url, latencyMs, toolMs, message: MESSAGE, workers: scripts, reply: "reply" });
    try {
      await lg.run(); // warm-up
      const rs = [];
      for (let i = 0; i < REPEATS; i++) rs.push(await lg.run());
      return { wallMs: median(rs.map((r) => r.wallMs)), replyMs: median(rs.map((r) => r.replyMs)), modelCalls: rs[0].modelCalls, handoffs: rs[0].handoffs };
    } finally {
      await lg.close();
    }
  };
  const at = await run(LATENCY);
  const zero = await run(0);
  const limit = LATENCY * at.modelCalls; // one handoff at a time: every call is on the critical path
  const oursZero = median(zeroRuns.map((r) => r.wallMs));
  console.log(`\nLangGraph supervisor (@langchain/langgraph-supervisor 1.1.3, PostgresSaver), same process, ${LATENCY} ms per model call, ${Math.round(toolMs)} ms per tool call, the same worker calls (${scripts.map((s) => `${s.name} ${s.steps.length + 1}`).join(", ")}); median of ${REPEATS}`);
  console.table({
    "Switchboard (progressive)": { "wall ms": summary.wall, "first reply text ms": summary.firstText, "model calls": ours[0].workerCalls.reduce((a, b) => a + b, 0) + 1 + ours[0].synthesisCalls, "wall at 0 ms per call": ms(oursZero) },
    "LangGraph supervisor": { "wall ms": ms(at.wallMs), "first reply text ms": ms(at.replyMs), "model calls": at.modelCalls, "wall at 0 ms per call": ms(zero.wallMs) },
  });
  console.log(`LangGraph: wall ${ms(at.wallMs)} ms = ${(at.wallMs / limit).toFixed(2)}× its own critical path (${at.modelCalls} calls × ${LATENCY} ms, handoffs one at a time), ${(at.wallMs / ((summary.wallLimit))).toFixed(2)}× Switchboard's (${summary.wallLimit} ms)`);
  console.log(`Switchboard ÷ LangGraph: wall ${(summary.wall / at.wallMs).toFixed(2)}, first reply text ${(summary.firstText / at.replyMs).toFixed(2)}; overhead per message at 0 ms per call: LangGraph ${ms(zero.wallMs)} ms (scripted model, no compute), Switchboard ${ms(oursZero)} ms (including the local model's own compute)`);
  return { wallMs: ms(at.wallMs), replyMs: ms(at.replyMs), modelCalls: at.modelCalls, zeroWallMs: ms(zero.wallMs), ratioWall: Number((summary.wall / at.wallMs).toFixed(3)), ratioFirstText: Number((summary.firstText / at.replyMs).toFixed(3)) };
}

/**
 * The engine's own cost at 0 ms per model call: orchestration alone and the local
 * model's compute (the difference), a cache hit, throughput and peak memory.
 */
async function engineCost() {
  const { db: cdb, counter } = counted;
  const cost = await orchestrationCost({ db: cdb, counter, world, customerId: "C-1001", message: MESSAGE, repeats: ZERO_REPEATS });
  const cache = await cacheHitCost({ db: cdb, counter, world, customerId: CACHE_CUSTOMER, message: CACHE_MESSAGE, repeats: ZERO_REPEATS });
  const med = (rs: RunCost[], f: (r: RunCost) => number) => median(rs.map(f));
  const row = (rs: RunCost[]) => ({ wallMs: round1(med(rs, (r) => r.wallMs)), cpuMs: round1(med(rs, (r) => r.cpuMs)), statements: med(rs, (r) => r.statements), cacheHits: med(rs, (r) => r.cacheHits), status: rs[0].status });
  const local = row(cost.local);
  const orchestration = row(cost.scripted);
  // Paired per repeat (the same world, one after the other), then the median of the differences.
  const model = {
    wallMs: round1(median(cost.local.map((l, i) => l.wallMs - cost.scripted[i].wallMs))),
    cpuMs: round1(median(cost.local.map((l, i) => l.cpuMs - cost.scripted[i].cpuMs))),
  };
  const calls = [...cost.recording.answers].map(([role, a]) => `${role} ${a.length}`).join(", ");
  console.log(`\nAt 0 ms per model call, ${scratch.kind} PostgreSQL, full persistence; median of ${ZERO_REPEATS} runs each (the model calls of one run: ${calls})`);
  const cacheFirst = row(cache.first);
  const cacheHit = row(cache.again);
  const cells = (r: ReturnType<typeof row>) => ({ "wall ms": r.wallMs, "CPU ms (this process)": r.cpuMs, "SQL statements": r.statements, "cache hits": r.cacheHits, status: r.status });
  console.table({
    "3-worker run, local model": cells(local),
    "same run, scripted model (orchestration)": cells(orchestration),
    "local model's compute (difference)": { "wall ms": model.wallMs, "CPU ms (this process)": model.cpuMs },
    [`read-only 3-part message (${CACHE_CUSTOMER})`]: cells(cacheFirst),
    "the same again (worker cache)": cells(cacheHit),
  });
  const rates = [];
  for (const clients of THROUGHPUT_CLIENTS) rates.push(await throughput({ db, world, clients, seconds: THROUGHPUT_S, message: MESSAGE }));
  console.log(`\nThroughput: the 3-part message, each client a different customer submitting again as soon as its run ends, ${THROUGHPUT_S} s per row, local model at 0 ms, one in-process engine, ${os.cpus().length} cores`);
  console.table(Object.fromEntries(rates.map((r) => [`${r.clients} client${r.clients === 1 ? "" : "s"}`, {
    "runs/s": round1(r.runsPerS), runs: r.runs, "p50 ms": Math.round(r.p50Ms), "p95 ms": Math.round(r.p95Ms), "CPU ms per run": round1(r.cpuPerRunMs), statuses: JSON.stringify(r.statuses),
  }])));
  return {
    local, orchestration, model, cacheFirst, cacheHit,
    throughput: rates.map((r) => ({ clients: r.clients, runsPerS: round1(r.runsPerS), p50Ms: Math.round(r.p50Ms), p95Ms: Math.round(r.p95Ms), cpuPerRunMs: round1(r.cpuPerRunMs) })),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

try {
  // The local model trains its intent classifier at first use (cross-validated calibration included).
  const corpus = loadCorpus();
  const trainMs = median([0, 1, 2].map(() => trainIntentModel(corpus).trainingMs));
  console.log(`intent classifier: trained on ${corpus.length} utterances in ${Math.round(trainMs)} ms (median of 3)`);
  // BENCH_ONLY=tokens prints the token tables alone, BENCH_ONLY=conversation the tokens by
  // position in a conversation alone, BENCH_ONLY=engine the 0 ms part alone.
  const only = process.env.BENCH_ONLY;
  let latency: ReturnType<typeof printLatency> | null = null;
  let comparison: Awaited<ReturnType<typeof compareWithLangGraph>> | null = null;
  if (!only) {
    await measure(MODES[0], LATENCY); // warm-up: classifier training, connections
    const results = new Map<Mode, Result[]>(MODES.map((m) => [m, []]));
    const zero: Result[] = [];
    for (let i = 0; i < REPEATS; i++) {
      for (const m of MODES) results.get(m)!.push(await measure(m, LATENCY));
      zero.push(await measure(MODES[0], 0));
    }
    latency = printLatency(results, zero);
    comparison = await compareWithLangGraph(results.get(MODES[0])!, zero, latency.summary[MODES[0].label]);
  }

  const tokens = only === "engine" || only === "conversation" ? null : await workerTokens();
  if (tokens) {
    console.log(`\nWorker input tokens: the 3-part message as message ${tokens.messages} of a conversation (${tokens.conversationTokens} tokens of conversation)`);
    console.table(tokens.rows);
    console.log(`per run (all model calls): ${tokens.actualRun} input tokens vs ${tokens.baselineRun} with the whole conversation sent to every worker (${(tokens.baselineRun / tokens.actualRun).toFixed(2)}×)`);
  }
  const byPosition = only === "engine" ? null : await tokensByPosition();
  if (byPosition) {
    console.log(`\nInput tokens by position in one conversation: "${CACHE_MESSAGE}" (${CACHE_CUSTOMER}) as message 1, 3, 5 and 7, a one-worker question between them; local model at 0 ms`);
    console.table(Object.fromEntries(byPosition.rows.map((r) => [`message ${r.position}`, {
      "supervisor input tokens": r.supervisor, "worker input tokens": r.workers, "worker calls": r.workerCalls, "synthesis input tokens": r.synthesis, "synthesis calls": r.synthesisCalls,
      "sub-tasks as at message 1": r.sameTasks ? "yes" : "no", status: r.status,
    }])));
    const w = byPosition.rows.map((r) => r.workers);
    console.log(byPosition.workersConstant
      ? `worker input tokens stayed constant: ${w[0]} at every position`
      : `worker input tokens did NOT stay constant: ${w.join(" → ")}`);
  }
  const engine = only === "tokens" || only === "conversation" ? null : await engineCost();
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);

  // Everything in one table: each figure next to its limit or target.
  const summary: Record<string, { value: string; "limit or target": string }> = {};
  const put = (name: string, value: string, target = "") => (summary[name] = { value, "limit or target": target });
  if (latency) {
    const p = latency.summary[MODES[0].label];
    const one = latency.summary[MODES[1].label];
    const seq = latency.summary[MODES[2].label];
    put(`wall at ${LATENCY} ms/call, progressive (ms)`, `${p.wall}`, `${p.wallLimit} (model calls on the critical path)`);
    put(`first progress at ${LATENCY} ms/call (ms)`, `${p.firstProgress}`, `${p.progressLimit}`);
    put(`first reply text at ${LATENCY} ms/call (ms)`, `${p.firstText}`, `${p.textLimit}`);
    put(`first reply text, one synthesis after all (ms)`, `${one.firstText}`, `${one.textLimit}`);
    put(`wall, sequential (ms)`, `${seq.wall}`, `${seq.wallLimit}`);
  }
  if (comparison) {
    put("LangGraph supervisor wall / first reply text (ms)", `${comparison.wallMs} / ${comparison.replyMs}`);
    put("Switchboard ÷ LangGraph, wall / first reply text", `${comparison.ratioWall} / ${comparison.ratioFirstText}`, "< 1");
  }
  if (tokens) put("input tokens per run (whole-conversation baseline)", `${tokens.actualRun} (${tokens.baselineRun})`);
  if (byPosition) {
    const rows = byPosition.rows;
    const col = (f: (r: (typeof rows)[number]) => number) => rows.map(f).join(" / ");
    put("worker input tokens at message 1 / 3 / 5 / 7", col((r) => r.workers), "constant");
    put("supervisor input tokens at message 1 / 3 / 5 / 7", col((r) => r.supervisor));
    put("synthesis input tokens at message 1 / 3 / 5 / 7", col((r) => r.synthesis));
  }
  if (engine) {
    put("orchestration per 3-worker run at 0 ms, wall / CPU (ms)", `${engine.orchestration.wallMs} / ${engine.orchestration.cpuMs}`, "≤ 50");
    put("SQL statements per 3-worker run", `${engine.orchestration.statements}`);
    put("local model's compute per 3-worker run, wall / CPU (ms)", `${engine.model.wallMs} / ${engine.model.cpuMs}`, "≤ 50");
    put("3-worker run at 0 ms with the local model, wall (ms)", `${engine.local.wallMs}`);
    put("read-only 3-part message, first / cache hit, wall (ms)", `${engine.cacheFirst.wallMs} / ${engine.cacheHit.wallMs}`);
    for (const t of engine.throughput) put(`throughput, ${t.clients} client${t.clients === 1 ? "" : "s"} (runs/s, p50 ms)`, `${t.runsPerS}, ${t.p50Ms}`);
  }
  put("peak RSS (MiB)", `${peakRssMiB}`);
  console.log(`\nSummary (${scratch.kind} PostgreSQL, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${os.cpus().length} cores)`);
  console.table(summary);
  console.log(JSON.stringify({
    latencyMs: LATENCY, repeats: REPEATS, zeroRepeats: ZERO_REPEATS, ...latency, langgraph: comparison,
    tokens: tokens && { run: tokens.actualRun, baseline: tokens.baselineRun, workers: tokens.rows },
    byPosition,
    engine, peakRssMiB, loadAvg: os.loadavg().map((l) => Number(l.toFixed(2))),
  }));
} finally {
  await db.$disconnect();
  await counted.db.$disconnect();
  await scratch.drop();
}
await exitAfterFlush(0);
