// Starting the app from a script (load test, browser bench, chaos): a free port and
// waiting until the process answers /api/health. One copy of each.
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { sleep } from "../../lib/backoff";

/** A TCP port on 127.0.0.1 that is free now (the OS picks it), so we never talk to someone else's server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Polls `http://127.0.0.1:<port>/api/health` until it answers 200 (the app serves and
 * reaches its database); the milliseconds it took. Fails at once if `child` exits.
 */
export async function waitForHealth(port: number, child: ChildProcess, { timeoutMs = 60_000, everyMs = 100 } = {}): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited during start (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(everyMs);
  }
  throw new Error(`the app was not healthy within ${timeoutMs / 1000} s`);
}
