import type { Db } from "../db/client";
import type { RunWakeups } from "../db/run-notifications";
import type { RunEventBus } from "../orchestrator/event-bus";
import type { StoredRunEvent } from "../orchestrator/events";
import { listEvents } from "../orchestrator/store";

export type FollowDeps = {
  db: Db;
  /** Cross-process wake-ups (LISTEN/NOTIFY); without live ones the follower polls. */
  wakeups?: RunWakeups;
  /** In-process wake-ups from this process's own executor. */
  bus?: RunEventBus;
  /** How often to read the table when no wake-up can be trusted. */
  pollMs?: number;
  /** How long to wait on a live wake-up before reading anyway (a safety net, not the hot path). */
  idleMs?: number;
};

/**
 * A run's stored events after `after`, batch by batch, until `signal` aborts or
 * `maxMs` passes. Every batch is read from run_events, the source of truth; a
 * notification or the in-process bus only says when to read. An empty batch means
 * "nothing new for a while", so a caller can check on the run or send a keep-alive.
 */
export async function* followRunEvents(
  deps: FollowDeps,
  opts: { runId: string; after: number; signal: AbortSignal; maxMs?: number },
): AsyncGenerator<StoredRunEvent[]> {
  const { runId, signal } = opts;
  let after = opts.after;
  const deadline = Date.now() + (opts.maxMs ?? 10 * 60_000);
  // Set by any wake-up; checked before sleeping so one arriving mid-read is not lost.
  let woken = false;
  let wake: () => void = () => {};
  const onWake = () => {
    woken = true;
    wake();
  };
  const unsubscribe = [deps.wakeups?.subscribe(runId, onWake), deps.bus?.subscribe(runId, onWake)];
  signal.addEventListener("abort", onWake);
  try {
    while (!signal.aborted && Date.now() < deadline) {
      woken = false;
      const events = await listEvents(deps.db, runId, after);
      if (events.length > 0) {
        after = events[events.length - 1].seq;
        yield events;
        continue;
      }
      if (!woken) {
        const waitMs = deps.wakeups?.live ? (deps.idleMs ?? 15_000) : (deps.pollMs ?? 500);
        const slept = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), Math.min(waitMs, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(t);
            resolve(true);
          };
        });
        wake = () => {};
        if (!slept && !signal.aborted) yield [];
      }
    }
  } finally {
    for (const u of unsubscribe) u?.();
    signal.removeEventListener("abort", onWake);
  }
}
