// `npx tsx scripts/bench-local-model.ts`: the local model's own compute per 3-worker
// run, without the orchestration around it. One engine run of the article's message
// (C-1001, 0 ms per call, scratch database) records every model call's options and
// the message the intent classifier is asked about; fresh local models then answer
// exactly those calls, once (the first pass pays for training the classifier) and
// BENCH_PASSES (200) times more, timed in wall and process CPU time. Which worker
// finishes first varies, and so do the order of the calls and the synthesis prompts:
// BENCH_CALLS=FILE keeps the recorded calls in FILE, and a later run (another version
// of the model's code) replays the same ones, so that the digest of the answers
// (content, usage, stream parts) can be compared. docs/PERFORMANCE.md, "Local model compute".
import { createHash } from "node:crypto";
import fs from "node:fs";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { createScratchDatabase } from "../lib/db/scratch";
import { resetWorld } from "../lib/db/seed";
import { createLocalModel } from "../lib/models/local";
import { localIntentClassifier } from "../lib/models/local/intent-classifier";
import { getIntentModel } from "../lib/models/local/nlu";
import { localModels, type Models } from "../lib/models/registry";
import { createEngine } from "../lib/orchestrator/engine";
import { startRun } from "../lib/orchestrator/run-executor";
import { createRun } from "../lib/orchestrator/store";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";
import { median } from "../lib/stats";

const MESSAGE = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";
const PASSES = Number(process.env.BENCH_PASSES ?? 200);

type Call = { role: string; kind: "generate" | "stream"; options: LanguageModelV4CallOptions };

/** The calls of one engine run, in the order they were made. */
async function recordRun(): Promise<Call[]> {
  const world = loadWorld();
  const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_bench_local");
  const db = createDb(scratch.url, 10);
  try {
    const calls: Call[] = [];
    const keep = (role: string, kind: Call["kind"], o: LanguageModelV4CallOptions) => calls.push({ role, kind, options: { ...o, abortSignal: undefined } });
    const wrap = (role: string, m: LanguageModelV4): LanguageModelV4 => ({
      specificationVersion: "v4",
      provider: m.provider,
      modelId: m.modelId,
      supportedUrls: m.supportedUrls,
      doGenerate: (o) => (keep(role, "generate", o), m.doGenerate(o)),
      doStream: (o) => (keep(role, "stream", o), m.doStream(o)),
    });
    const models = Object.fromEntries(Object.entries(localModels(0)).map(([r, m]) => [r, wrap(r, m)])) as Models;
    await resetWorld(db, world);
    const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models });
    const { run } = await createRun(db, { customerId: "C-1001", message: MESSAGE });
    await startRun(deps, run.id);
    return calls;
  } finally {
    await db.$disconnect();
    await scratch.drop();
  }
}

/** One run's worth of local-model work: the fast-path check, then every recorded call. */
async function replay(calls: Call[], models: Map<string, LanguageModelV4>): Promise<unknown[]> {
  const out: unknown[] = [localIntentClassifier.classify(MESSAGE)];
  for (const c of calls) {
    const m = models.get(c.role) ?? models.set(c.role, createLocalModel(c.role, 0)).get(c.role)!;
    if (c.kind === "generate") {
      const r = await m.doGenerate(c.options);
      out.push(r.content, r.finishReason, r.usage);
    } else {
      const parts: LanguageModelV4StreamPart[] = [];
      for await (const p of (await m.doStream(c.options)).stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) parts.push(p);
      out.push(parts);
    }
  }
  return out;
}

async function timed(f: () => Promise<unknown>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const round = (x: number) => Math.round(x * 10) / 10;

const file = process.env.BENCH_CALLS;
const saved = file && fs.existsSync(file);
const calls: Call[] = saved ? JSON.parse(fs.readFileSync(file, "utf8")) : await recordRun();
if (file && !saved) fs.writeFileSync(file, JSON.stringify(calls));
const byRole = new Map<string, number>();
for (const c of calls) byRole.set(c.role, (byRole.get(c.role) ?? 0) + 1);
console.log(`${saved ? `read from ${file}` : "recorded"}: ${calls.length} model calls (${[...byRole].map(([r, n]) => `${r} ${n}`).join(", ")})`);
// Start-up, paid once per process at first use: training the intent classifier.
const trainingMs = round(getIntentModel().trainingMs);
console.log(`intent classifier trained in ${trainingMs} ms`);
const models = new Map<string, LanguageModelV4>();
const first = await timed(() => replay(calls, models));
const runs = [];
for (let i = 0; i < PASSES; i++) runs.push(await timed(() => replay(calls, models)));
// Call and text ids count up per process: the digest leaves them out.
const digest = createHash("sha256").update(JSON.stringify(first.value).replace(/"(call|txt)_\d+"/g, '"$1_n"')).digest("hex").slice(0, 16);
const summary = {
  calls: calls.length,
  trainingMs,
  firstPass: { wallMs: round(first.wallMs), cpuMs: round(first.cpuMs) },
  steady: { passes: PASSES, wallMs: round(median(runs.map((r) => r.wallMs))), cpuMs: round(median(runs.map((r) => r.cpuMs))) },
  answersDigest: digest,
};
console.log(`per 3-worker run, median of ${PASSES}: wall ${summary.steady.wallMs} ms, CPU ${summary.steady.cpuMs} ms (first pass: wall ${summary.firstPass.wallMs} ms, CPU ${summary.firstPass.cpuMs} ms); answers ${digest}`);
console.log(JSON.stringify(summary));
await exitAfterFlush(0);
