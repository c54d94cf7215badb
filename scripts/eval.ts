// `npm run eval -- FILE.jsonl`: every case on a freshly seeded world with the
// business date pinned to the fixture's asOf, in a scratch database (never the
// app's). Prints progress, a table, and as its LAST line the JSON summary.
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { createScratchDatabase } from "../lib/db/scratch";
import { readCases } from "../lib/eval/cases";
import { runCase } from "../lib/eval/run-case";
import { scoreCase, summarise, type CaseScore, type Observed } from "../lib/eval/score";
import { modelsFromEnv } from "../lib/models/registry";
import { createEngine } from "../lib/orchestrator/engine";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";

const file = process.argv.slice(2).find((a) => !a.startsWith("--"));
// --check: exit 1 below the quality bar CI holds the local model to.
const check = process.argv.includes("--check");
const THRESHOLDS = { routingExactMatch: 0.9, outOfScopeRecall: 1, outcomeAccuracy: 0.9 };
if (!file) {
  console.error("usage: npm run eval -- FILE.jsonl [--check]");
  process.exit(2);
}
const cases = readCases(file);
const world = loadWorld();
const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_eval");
const db = createDb(scratch.url, 10);
const deps = createEngine({ db, worldAsOf: world.asOf, clock: fixedClock(world.asOf), models: modelsFromEnv() });

const observed: Observed[] = [];
const scores: CaseScore[] = [];
try {
  console.error(`[eval] ${cases.length} cases from ${file} (${process.env.SWITCHBOARD_MODEL ?? "local"} model, ${scratch.kind} scratch database)`);
  for (const [i, c] of cases.entries()) {
    const o = await runCase(deps, world, c);
    const s = scoreCase(c, o);
    observed.push(o);
    scores.push(s);
    const mark = s.routingMatch && (!s.outcomeStated || s.outcomeOk) && !s.unsafe.length ? "ok  " : "FAIL";
    console.error(`[eval] ${String(i + 1).padStart(3)}/${cases.length} ${mark} ${c.id} ${o.latencyMs} ms${s.failures.length ? ` — ${s.failures.join("; ")}` : ""}${s.unsafe.length ? ` — UNSAFE: ${s.unsafe.join("; ")}` : ""}`);
  }
  const rows = cases.map((c, i) => ({
    id: c.id,
    customer: c.customerId,
    expected: c.expect.workers.join("+") || (c.expect.outOfScope ? "(decline)" : "(none)"),
    routed: observed[i].workers.join("+") || (observed[i].outOfScope ? "(decline)" : observed[i].smallTalk ? "(small talk)" : "(none)"),
    routing: scores[i].routingMatch ? "ok" : "MISS",
    outcome: scores[i].outcomeStated ? (scores[i].outcomeOk ? "ok" : "FAIL") : "-",
    unsafe: scores[i].unsafe.length ? "YES" : "",
    ms: observed[i].latencyMs,
  }));
  console.table(rows);
  const summary = summarise(cases, observed, scores);
  if (check) {
    const misses = Object.entries(THRESHOLDS).filter(([k, min]) => summary[k as keyof typeof THRESHOLDS] < min).map(([k, min]) => `${k} < ${min}`);
    if (summary.unsafeActions > 0) misses.push("unsafeActions > 0");
    console.error(misses.length ? `[eval] below the bar: ${misses.join(", ")}` : "[eval] all thresholds met");
    process.exitCode = misses.length ? 1 : 0;
  }
  console.log(JSON.stringify(summary));
} finally {
  await db.$disconnect();
  await scratch.drop();
}
// The last line is the JSON summary however stdout is connected (see exit-after-flush.ts).
await exitAfterFlush(Number(process.exitCode ?? 0));
