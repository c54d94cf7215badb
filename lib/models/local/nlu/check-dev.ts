/**
 * Routing check against eval/dev.jsonl: for each case, the predicted worker set
 * (splitIntoSubtasks workers, or [] when the message's top label is
 * out_of_scope / small_talk) against expect.workers, and the exact-match rate.
 * Run: npx tsx lib/models/local/nlu/check-dev.ts [path/to/cases.jsonl]
 */
import fs from "node:fs";
import path from "node:path";
import { classifyIntents, getIntentModel, isWorkerLabel } from "./classifier";
import { planSubtasks } from "./clauses";

const file = process.argv[2] ?? path.join(process.cwd(), "eval", "dev.jsonl");
const cases = fs
  .readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; message: string; expect: { workers: string[] } });

const t0 = performance.now();
getIntentModel();
const trainMs = performance.now() - t0;

let ok = 0;
for (const c of cases) {
  const top = classifyIntents(c.message).top;
  const plan = planSubtasks(c.message);
  const predicted = isWorkerLabel(top.label) ? plan.subtasks.map((s) => s.worker) : [];
  const exp = [...c.expect.workers].sort();
  const got = [...predicted].sort();
  const match = exp.length === got.length && exp.every((w, i) => w === got[i]);
  if (match) ok++;
  console.log(
    `${match ? "ok  " : "MISS"} ${c.id.padEnd(8)} expected=[${exp.join(",")}] predicted=[${got.join(",")}] top=${top.label}:${top.confidence.toFixed(2)}  ${c.message}`,
  );
  if (!match || process.env.VERBOSE) {
    for (const cl of plan.clauses) console.log(`        - ${cl.role.padEnd(12)} [${cl.workers.join(",")}] ${JSON.stringify(cl.classification.scores, (_, v) => (typeof v === "number" ? Number(v.toFixed(2)) : v))} ${cl.text}`);
  }
}
console.log(`\nrouting exact match: ${ok}/${cases.length} = ${(ok / cases.length).toFixed(3)} (model trained in ${trainMs.toFixed(0)} ms)`);
