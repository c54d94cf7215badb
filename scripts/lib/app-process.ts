// Starting the app from a script (load test, browser bench, chaos): a free port and
// waiting until the process answers /api/health. One copy of each.
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { sleep } from "../../lib/backoff";

/** Whether `port` (0: any) can be bound on 127.0.0.1 now; the port bound, or null. */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", () => resolve(null));
    srv.listen(port, "127.0.0.1", () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

const nextInRange = new Map<string, number>();

/**
 * A TCP port on 127.0.0.1 that is free now, so we never talk to someone else's server:
 * the OS picks it, or with `range` ("3200-3299": machines shared by several checkouts
 * keep their processes inside one) the next free one in it, round robin.
 */
export async function freePort(range?: string): Promise<number> {
  const bounds = /^(\d+)-(\d+)$/.exec(range ?? "");
  if (!bounds) {
    const port = await tryPort(0);
    if (port === null) throw new Error("the OS gave no free port on 127.0.0.1");
    return port;
  }
  const [lo, hi] = [Number(bounds[1]), Number(bounds[2])];
  for (let i = 0; i <= hi - lo; i++) {
    const port = nextInRange.get(range!) ?? lo;
    nextInRange.set(range!, port >= hi ? lo : port + 1);
    if ((await tryPort(port)) !== null) return port;
  }
  throw new Error(`no free port in ${range}`);
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
