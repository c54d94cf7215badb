// App processes under test: real `next start` servers over one PostgreSQL database.
// Each one is spawned directly (not through npx, which leaves an orphaned
// next-server behind a SIGKILL) and tags its database connections with an
// application_name, so fault injection can tell the app's sessions from ours.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitForHealth } from "../lib/app-process";

export const CUSTOMER_TOKEN_SECRET = "chaos-customer-token-secret-0123456789";
export const AUTH_SECRET = "chaos-auth-secret-0123456789abcdef0123456789";

export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  exited: Promise<void>;
}

export interface ClusterOptions {
  dbUrl: string;
  logDir: string;
  modelLatencyMs: number;
}

/** The database URL an app process gets: same database, connections named after the process. */
function appDbUrl(dbUrl: string, name: string): string {
  const u = new URL(dbUrl);
  u.searchParams.set("application_name", `chaos-app-${name}`);
  return u.toString();
}

export function spawnApp(opts: ClusterOptions, name: string, port: number): AppProcess {
  const out = fs.openSync(path.join(opts.logDir, `${name}.log`), "a");
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
    env: {
      ...process.env,
      DATABASE_URL: appDbUrl(opts.dbUrl, name),
      LOCAL_MODEL_LATENCY_MS: String(opts.modelLatencyMs),
      SWITCHBOARD_MODEL: "local",
      CUSTOMER_TOKEN_SECRET,
      AUTH_SECRET,
      NODE_ENV: "production",
      PORT: String(port),
      LOG_LEVEL: process.env.CHAOS_APP_LOG_LEVEL ?? "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { name, port, child, pid: child.pid!, startedAt: Date.now(), exited };
}

/** Waits until /api/health answers 200 (the process serves and reaches the database); ms since the spawn. */
export async function waitHealthy(app: AppProcess, timeoutMs = 60_000): Promise<number> {
  await waitForHealth(app.port, app.child, { timeoutMs });
  return Date.now() - app.startedAt;
}

export async function sigkill(app: AppProcess): Promise<void> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGKILL");
  await app.exited;
}

/** Ends a process we started: SIGTERM, then SIGKILL if it lingers. */
export async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGTERM");
  const timer = setTimeout(() => app.child.kill("SIGKILL"), 5_000);
  await app.exited;
  clearTimeout(timer);
}

export function isAlive(app: AppProcess): boolean {
  return app.child.exitCode === null && app.child.signalCode === null;
}
