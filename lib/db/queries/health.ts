import "server-only";
import { log } from "../../log";
import { getDb } from "../client";

export type DatabasePing = { ok: boolean; latencyMs: number };

/** Runs `SELECT 1` with a deadline; a slow or absent database counts as down. */
export async function pingDatabase({ timeoutMs = 2000 }: { timeoutMs?: number } = {}): Promise<DatabasePing> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([getDb().$queryRaw`SELECT 1`, deadline]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // Logged for the operator; the health response only says "error".
    log.error({ err }, "[health] database check failed");
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}
