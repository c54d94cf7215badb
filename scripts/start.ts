// `npm start`: the one command that runs Switchboard on a fresh machine.
// Chooses the database (DATABASE_URL or the embedded PostgreSQL under .data/),
// migrates and seeds it, builds the app if there is no build yet, then serves it
// with `next start` (or `next dev` with --dev). The embedded database lives in this
// process, so the app and its database stop together.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { customerTokenConfig } from "../lib/tokens/customer-token";
import { demoModeForStart } from "../lib/auth/demo-mode";
import { ensureAuthSecret } from "../lib/auth/secrets";
import { trustProxyHops } from "../lib/http/client-address";
import { widgetAllowedOrigins } from "../lib/http/origins";
import { streamLimits } from "../lib/http/rate-limits";
import { prepareDatabase } from "../lib/db/prepare";
import { telemetryConfigFromEnv, traceUrlTemplateFromEnv } from "../lib/telemetry/config";
import { parseArgs } from "node:util";

const dev = parseArgs({ options: { dev: { type: "boolean" } } }).values.dev === true;
const port = process.env.PORT ?? "3000";
const nextBin = path.resolve("node_modules/next/dist/bin/next");

// Before the build and the server: both inherit the secrets through the environment.
for (const s of ensureAuthSecret()) {
  if (s.source !== "environment") console.log(`[auth] ${s.name} not set: using the secret ${s.source === "created" ? "created in" : "stored in"} ${s.file}`);
}

// Bad token keys, proxy hops or widget origins stop the start here, with the reason,
// rather than failing every request later.
try {
  const tokens = customerTokenConfig();
  console.log(`[auth] customer tokens: signing key "${tokens.current.kid}"${tokens.verifyOnly.length ? `, also verifying ${tokens.verifyOnly.map((k) => `"${k.kid}"`).join(", ")}` : ""}`);
  const hops = trustProxyHops();
  console.log(`[limits] client address for per-address limits: ${hops === 0 ? "the connection's own (TRUST_PROXY_HOPS=0: no proxy in front)" : `X-Forwarded-For entry ${hops} from the right (TRUST_PROXY_HOPS=${hops})`}`);
  const origins = widgetAllowedOrigins();
  console.log(`[widget] allowed host origins: ${origins.length ? origins.join(", ") : "none (set WIDGET_ALLOWED_ORIGINS to embed the widget)"}`);
  const streams = streamLimits();
  console.log(`[limits] open event streams: ${streams.perPrincipal || "no limit"} per customer or staff member, ${streams.perIp || "no limit"} per client address (per app process)`);
  const telemetry = telemetryConfigFromEnv();
  const traceLink = traceUrlTemplateFromEnv();
  console.log(`[telemetry] ${telemetry ? `exporting traces to ${telemetry.tracesUrl} as "${telemetry.serviceName}"` : "off (set OTEL_EXPORTER_OTLP_ENDPOINT to export traces)"}${traceLink ? `; run pages link to ${traceLink}` : ""}`);
} catch (err) {
  console.error(`[start] ${(err as Error).message}`);
  process.exit(1);
}

const db = await prepareDatabase({ log: (m) => console.log(m) });
const demo = demoModeForStart(process.env, db.kind);
console.log(`[demo] demo mode ${demo.on ? "on: /chat lets anyone pick a seeded customer" : "off: /chat needs a customer session from a host site"} (${demo.why})`);
const env = { ...process.env, DATABASE_URL: db.url, SWITCHBOARD_DB_KIND: db.kind, SWITCHBOARD_DEMO: demo.on ? "1" : "0" };

if (!dev && (!fs.existsSync(".next/BUILD_ID") || process.env.SWITCHBOARD_REBUILD === "1")) {
  console.log("[start] no production build yet: running next build (about a minute)");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
  if (build.status !== 0) {
    await db.embedded?.stop();
    process.exit(build.status ?? 1);
  }
}

console.log(`[start] serving on http://localhost:${port} (${db.kind} database)`);
const child = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", port], { stdio: "inherit", env });

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
child.on("exit", async (code) => {
  await db.embedded?.stop().catch(() => {});
  process.exit(code ?? 0);
});
