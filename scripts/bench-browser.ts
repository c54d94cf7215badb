// `npm run bench:browser` (and the end of `npm run bench`): what a customer waits for in
// a real browser. Serves the production build (scripts/start.ts) on a scratch database,
// drives Debian's Chromium through the demo chat with the article's three-part message,
// and measures, inside the page, from the click on Send to (a) the plan first shown in
// the agent panel and (b) the first reply text shown in the conversation; at 0 ms and at
// 500 ms per local model call. Every figure is a median over BENCH_BROWSER_REPEATS runs.
import { spawn, type ChildProcess } from "node:child_process";
import { chromium, type Page } from "@playwright/test";
import { createDb } from "../lib/db/client";
import { createScratchDatabase } from "../lib/db/scratch";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";
import { median } from "../lib/stats";
import { waitForHealth } from "./lib/app-process";

const PORT = Number(process.env.BENCH_BROWSER_PORT ?? 3190);
const REPEATS = Number(process.env.BENCH_BROWSER_REPEATS ?? 5);
const LATENCIES = (process.env.BENCH_BROWSER_LATENCIES ?? "0,500").split(",").map(Number);
// With and without progressive synthesis (the reply in one call after the slowest worker).
const MODES = (process.env.BENCH_BROWSER_MODES ?? "progressive,single").split(",") as ("progressive" | "single")[];
const MESSAGE = "Why is there a late fee on my November bill? Also my internet has been really slow all week, and what's the fastest plan you have?";
const BASE = `http://127.0.0.1:${PORT}`;

type Sample = { planMs: number; textMs: number; doneMs: number };

async function startApp(databaseUrl: string, latencyMs: number, mode: "progressive" | "single"): Promise<ChildProcess> {
  const app = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: {
      ...process.env, PORT: String(PORT), DATABASE_URL: databaseUrl, LOCAL_MODEL_LATENCY_MS: String(latencyMs), SWITCHBOARD_DEMO: "1", LOG_LEVEL: "warn",
      SWITCHBOARD_PROGRESSIVE_SYNTHESIS: mode === "progressive" ? "1" : "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForHealth(PORT, app, { timeoutMs: 240_000, everyMs: 500 });
  return app;
}

async function stopApp(app: ChildProcess) {
  if (app.exitCode !== null) return;
  const exited = new Promise((r) => app.once("exit", r));
  app.kill("SIGTERM");
  await exited;
}

/** One message from a fresh conversation; times are taken in the page (performance.now). */
async function sample(page: Page): Promise<Sample> {
  await page.goto(`${BASE}/chat`);
  await page.locator('[data-testid="customer-option"][data-customer-id="C-1001"]').click();
  await page.getByTestId("chat-input").waitFor();
  // A fresh conversation each time, so the panel and the list start empty.
  const fresh = page.getByTestId("chat-new-conversation");
  if (await fresh.isEnabled()) await fresh.click();
  // A string, not a function: tsx would compile a function with helpers the page lacks.
  await page.evaluate(MARKS_SCRIPT);
  await page.getByTestId("chat-input").fill(MESSAGE);
  await page.getByTestId("chat-send").click();
  await page.locator('[data-testid="chat-message-assistant"][aria-busy="false"]').waitFor({ timeout: 120_000 });
  const m = (await page.evaluate("window.__bench")) as { t0: number; plan: number; text: number; done: number };
  return { planMs: m.plan - m.t0, textMs: m.text - m.t0, doneMs: m.done - m.t0 };
}

// Records, in the page, when Send is clicked and when the plan, the first reply text and
// the finished reply first appear (a MutationObserver: no polling from outside).
const MARKS_SCRIPT = `(() => {
  const marks = { t0: 0, plan: 0, text: 0, done: 0 };
  window.__bench = marks;
  document.addEventListener("click", (e) => {
    if (e.target.closest('[data-testid="chat-send"]') && !marks.t0) marks.t0 = performance.now();
  }, true);
  const check = () => {
    const now = performance.now();
    if (!marks.t0) return;
    if (!marks.plan && document.querySelector('[data-testid="agent-plan"]')) marks.plan = now;
    if (!marks.text && document.querySelector('[data-testid="chat-message-assistant"][data-has-text="true"]')) marks.text = now;
    if (!marks.done && document.querySelector('[data-testid="chat-message-assistant"][aria-busy="false"]')) marks.done = now;
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
})()`;


const world = loadWorld();
const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_bench_browser");
const db = createDb(scratch.url, 2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const rows: Record<string, Record<string, number>> = {};
try {
  for (const latency of LATENCIES) for (const mode of MODES) {
    const app = await startApp(scratch.url, latency, mode);
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await resetWorld(db, world);
      await sample(page); // warm-up: first page compile caches, connections, the local model's classifier
      const samples: Sample[] = [];
      for (let i = 0; i < REPEATS; i++) {
        await resetWorld(db, world);
        samples.push(await sample(page));
      }
      rows[`${latency} ms per model call, ${mode === "progressive" ? "progressive synthesis" : "one synthesis after all"}`] = {
        "submit → plan shown (ms)": Math.round(median(samples.map((s) => s.planMs))),
        "submit → first reply text (ms)": Math.round(median(samples.map((s) => s.textMs))),
        "submit → reply complete (ms)": Math.round(median(samples.map((s) => s.doneMs))),
      };
    } finally {
      await stopApp(app);
    }
  }
  console.log(`Browser: Chromium on the demo chat (C-1001, the article's three-part message); median of ${REPEATS} runs each (${scratch.kind} database)`);
  console.table(rows);
  console.log(JSON.stringify({ browser: rows }));
} finally {
  await browser.close();
  await db.$disconnect();
  await scratch.drop();
}
await exitAfterFlush(0);
