// `npx tsx scripts/ood-probe.ts data_full.json [test|val]`: how many requests written for
// other assistants the local model declines (plans no worker for). The file is the public
// CLINC150 set (github.com/clinc/oos-eval, data/data_full.json; not kept in this project):
// its 150 intents and its out-of-scope requests, less the intents that are ours too
// (a bill's balance, due date, payment and minimum, a charge that is not the customer's,
// the name on the account, locking or a blocked account, "cancel it"), which a telecom
// assistant rightly takes. Prints the rate and the misses by intent. No database, no
// model calls: the domain decision only (lib/models/local/nlu/domain.ts).
import fs from "node:fs";
import { judgeDomain } from "../lib/models/local/nlu";

const OURS_TOO = new Set([
  "bill_balance", "bill_due", "pay_bill", "min_payment", "report_fraud", "transactions",
  "user_name", "change_user_name", "freeze_account", "account_blocked", "cancel",
]);

const [file, split = "test"] = process.argv.slice(2);
if (!file || !["test", "val", "train"].includes(split)) {
  process.stderr.write("usage: npx tsx scripts/ood-probe.ts data_full.json [test|val|train]\n");
  process.exit(2);
}
const data = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Array<[string, string]>>;
const rows = [...(data[split] ?? []), ...(data[`oos_${split}`] ?? [])].filter(([, intent]) => !OURS_TOO.has(intent));
const misses = new Map<string, string[]>();
for (const [text, intent] of rows) {
  const judged = judgeDomain(text);
  if (judged.verdict !== "in_domain") continue;
  misses.set(intent, [...(misses.get(intent) ?? []), `${text} → ${judged.subtasks.map((s) => s.worker).join(", ")}`]);
}
const missed = [...misses.values()].reduce((n, m) => n + m.length, 0);
process.stdout.write(`${split}: ${rows.length} requests, ${rows.length - missed} declined (${(((rows.length - missed) / rows.length) * 100).toFixed(1)}%), ${missed} planned for a worker\n`);
for (const [intent, m] of [...misses].sort((a, b) => b[1].length - a[1].length)) {
  process.stdout.write(`  ${intent} (${m.length}): ${m.slice(0, 3).join(" | ")}\n`);
}
