"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useSyncExternalStore } from "react";

// One EventSource per tab on /api/reviews/events, shared by the nav's pending count
// and whichever review page is open. Each message says how many items wait and a
// fingerprint of the pending set; a page refreshes its server data when it changes.

type QueueState = { pending: number; fingerprint: string } | null;

let source: EventSource | null = null;
let state: QueueState = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!source) {
    source = new EventSource("/api/reviews/events");
    source.addEventListener("queue", (e) => {
      try {
        state = JSON.parse((e as MessageEvent<string>).data) as QueueState;
      } catch {
        return;
      }
      for (const l of listeners) l();
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
      state = null;
    }
  };
}

function useQueueState(): QueueState {
  return useSyncExternalStore(subscribe, () => state, () => null);
}

/** The number of pending items, live, next to the nav's review link. */
export function PendingReviewsCount({ initial }: { initial: number }) {
  const live = useQueueState();
  const n = live?.pending ?? initial;
  return (
    <span
      className={`ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full px-1.5 text-[11px] font-semibold tabular-nums ${
        n > 0 ? "bg-indigo-600 text-white dark:bg-indigo-500" : "bg-zinc-200 text-zinc-600 dark:bg-zinc-700 dark:text-zinc-300"
      }`}
      data-testid="nav-pending-count"
      aria-label={`${n} pending`}
    >
      {n}
    </span>
  );
}

/** Refreshes the page's server data whenever the pending set changes (new, claimed, released or decided items). */
export function LiveQueueRefresh() {
  const live = useQueueState();
  const router = useRouter();
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!live) return;
    if (seen.current !== null && seen.current !== live.fingerprint) router.refresh();
    seen.current = live.fingerprint;
  }, [live, router]);
  return (
    <span className="sr-only" aria-live="polite" data-testid="review-live" data-fingerprint={live?.fingerprint ?? ""}>
      {live ? `${live.pending} items waiting` : ""}
    </span>
  );
}
