// `npm run ask -- --customer C-1001 "message" [--json]`: one message through the
// whole system, printing progress as the run streams and then the reply. Uses the
// app's database (DATABASE_URL, or the embedded one, shared with a running app).
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { createEngine } from "../lib/orchestrator/engine";
import { settingsSourceFor } from "../lib/orchestrator/settings";
import { startRun } from "../lib/orchestrator/run-executor";
import { createRun } from "../lib/orchestrator/store";
import type { StoredRunEvent } from "../lib/orchestrator/events";
import { startTelemetry } from "../lib/telemetry/setup";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";

const { values, positionals } = parseArgs({
  options: { customer: { type: "string", short: "c" }, json: { type: "boolean", default: false } },
  allowPositionals: true,
});
const message = positionals.join(" ").trim();
if (!values.customer || !message) {
  console.error('usage: npm run ask -- --customer C-1001 "message" [--json]');
  process.exit(2);
}

const log = values.json ? () => {} : (m: string) => console.error(m);
// OTLP trace export when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set.
const telemetry = startTelemetry(process.env, { announce: false });
if (telemetry) log(`[telemetry] exporting traces to ${telemetry.config.tracesUrl}`);
const prepared = await prepareDatabase({ log });
const db = createDb(prepared.url, 5);
const customer = await db.customer.findUnique({ where: { id: values.customer } });
if (!customer) {
  console.error(`No customer ${values.customer}. Seeded customers: C-1001 … C-1012.`);
  process.exit(2);
}
// The settings in force in the app (the same versions the app pins its runs to).
const deps = createEngine({ db, worldAsOf: loadWorld().asOf, settings: settingsSourceFor(db) });

let replyPart = 0;
function show(e: StoredRunEvent) {
  switch (e.type) {
    case "plan":
      return log(`• plan (${e.plan.via}): ${e.plan.kind}${e.plan.tasks.map((t) => `\n    ${t.id} → ${t.worker}: ${t.instruction}`).join("")}`);
    case "worker_started": return log(`• ${e.worker} started (attempt ${e.attempt})`);
    case "tool_call": return log(`    ${e.worker} → ${e.tool}(${JSON.stringify(e.args)})`);
    case "worker_partial": return log(`    ${e.worker}: ${e.text}`);
    case "worker_finished": return log(`• ${e.worker} ${e.outcome}${e.cacheHit ? " (cache)" : ""}, confidence ${e.confidence ?? "-"}, ${e.tokensIn}/${e.tokensOut} tokens, ${e.latencyMs} ms${e.error ? ` — ${e.error}` : ""}`);
    case "review_requested": return log(`• review requested: ${e.kind} — ${e.summary}`);
    case "message_delta": {
      if (values.json) return undefined;
      // The next part of a progressive reply starts a paragraph of its own.
      const sep = (e.part ?? 0) > replyPart ? "\n\n" : "";
      replyPart = e.part ?? 0;
      return process.stdout.write(sep + e.delta);
    }
    case "run_finished": return log(`\n• run ${e.status}: ${e.tokensIn} tokens in, ${e.tokensOut} out, ${e.latencyMs} ms`);
    case "error": return log(`• error: ${e.message}`);
  }
}

// Subscribe before the run starts so no event is missed.
const { run } = await createRun(db, { customerId: customer.id, message });
let replyStarted = false;
const unsubscribe = deps.bus!.subscribe(run.id, (e) => {
  if (e.type === "message_delta" && !replyStarted) {
    replyStarted = true;
    log("\nReply:");
  }
  show(e);
});
const result = await startRun(deps, run.id);
unsubscribe();
if (values.json) {
  const stored = await db.run.findUniqueOrThrow({
    where: { id: run.id },
    include: { events: { orderBy: { seq: "asc" } }, invocations: { include: { toolCalls: true } }, reviews: true, modelCalls: true },
  });
  console.log(JSON.stringify(stored, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
} else {
  const { traceId } = await db.run.findUniqueOrThrow({ where: { id: run.id }, select: { traceId: true } });
  log(`run ${run.id}: ${result}${traceId ? ` (trace ${traceId})` : ""}`);
}
await telemetry?.shutdown();
await db.$disconnect();
await prepared.embedded?.stop();
await exitAfterFlush(result === "failed" ? 1 : 0);
