// `npm test`: unit and integration tests (vitest, real PostgreSQL), then the
// production build and the browser journeys (Playwright in Chromium against
// `next start`). Ends with one line "N passed, N failed" over both suites.
//   DATABASE_URL set → every suite gets its own fresh database on that server;
//   unset            → embedded PostgreSQL (PGlite), nothing to install.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createScratchDatabase, type ScratchDatabase } from "../lib/db/scratch";
import { parseArgs } from "node:util";

const bin = (name: string) => path.resolve("node_modules/.bin", name);
// `npm test -- unit` or `-- e2e` runs one suite; no argument runs both.
const { positionals } = parseArgs({ allowPositionals: true });
const only = positionals[0] as "unit" | "e2e" | undefined;
if (positionals.length > 1 || (only !== undefined && only !== "unit" && only !== "e2e")) {
  console.error("usage: npm test [-- unit | e2e]");
  process.exit(2);
}
fs.mkdirSync("test-results", { recursive: true });

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  console.log(`\n$ ${[path.basename(cmd), ...args].join(" ")}`);
  return spawnSync(cmd, args, { stdio: "inherit", env }).status ?? 1;
}

type VitestReport = { numPassedTests?: number; numFailedTests?: number };
type PlaywrightReport = { stats?: { expected?: number; unexpected?: number; flaky?: number } };

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
const lines: string[] = [];

if (only !== "e2e") {
  fs.rmSync("test-results/vitest.json", { force: true });
  const code = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile=test-results/vitest.json"]);
  const r = readJson<VitestReport>("test-results/vitest.json");
  const p = r?.numPassedTests ?? 0;
  // A suite that crashed before reporting counts as one failure, never as a pass.
  const f = (r?.numFailedTests ?? 0) + (code !== 0 && !((r?.numFailedTests ?? 0) > 0) ? 1 : 0);
  passed += p;
  failed += f;
  lines.push(`unit + integration: ${p} passed, ${f} failed`);
}

type E2eResult = { passed: number; failed: number };

/** One Playwright pass: its report file, and a crash before any report counted as a failure. */
function playwright(args: string[], env: NodeJS.ProcessEnv, report: string): E2eResult {
  fs.rmSync(report, { force: true });
  const code = run(bin("playwright"), ["test", ...args], { ...env, E2E_REPORT: report });
  const r = readJson<PlaywrightReport>(report);
  const failed = (r?.stats?.unexpected ?? 0) + (r?.stats?.flaky ?? 0);
  return { passed: r?.stats?.expected ?? 0, failed: failed + (code !== 0 && failed === 0 ? 1 : 0) };
}

if (only !== "unit") {
  let scratch: ScratchDatabase | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (process.env.DATABASE_URL) {
    scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_e2e");
    env.E2E_DATABASE_URL = scratch.url;
  } else {
    fs.rmSync(".data/e2e-pg", { recursive: true, force: true }); // a fresh embedded world
  }
  const build = run(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], env);
  if (build !== 0) {
    failed += 1;
    lines.push("browser (e2e): 0 passed, 1 failed (next build failed)");
  } else {
    const r = playwright([], env, "test-results/e2e.json");
    passed += r.passed;
    failed += r.failed;
    lines.push(`browser (e2e${scratch ? ", PostgreSQL" : ", embedded database"}): ${r.passed} passed, ${r.failed} failed`);
  }
  await scratch?.drop();
  // The journeys tagged @embedded again on the embedded database, the path `npm start`
  // takes without DATABASE_URL: what writes, resets or copies data behaves differently
  // there (one database per server, no NOTIFY), and CI's PostgreSQL would never show it.
  if (build === 0 && scratch) {
    fs.rmSync(".data/e2e-pg", { recursive: true, force: true });
    const embeddedEnv: NodeJS.ProcessEnv = { ...process.env };
    delete embeddedEnv.DATABASE_URL;
    delete embeddedEnv.E2E_DATABASE_URL;
    const r = playwright(["--grep", "@embedded"], embeddedEnv, "test-results/e2e-embedded.json");
    passed += r.passed;
    failed += r.failed;
    lines.push(`browser (e2e, @embedded on the embedded database): ${r.passed} passed, ${r.failed} failed`);
  }
}

console.log(`\n${lines.join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
