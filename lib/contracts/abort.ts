// Combining abort signals without AbortSignal.any and AbortSignal.timeout. On Node 20 a
// signal made by AbortSignal.any is held by its sources only weakly, and a timeout
// signal by nothing but the combination: after a garbage collection either can be gone
// while something still waits on it, and the abort never comes (nodejs/node#57736). Here
// each source holds the combined controller through its listener, and a timer holds
// its controller until it is cleared.

/** A signal aborted by the first of `signals` (with its reason); `clear` detaches it from them. */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const sources = signals.filter((s): s is AbortSignal => Boolean(s));
  const listeners: Array<[AbortSignal, () => void]> = [];
  const clear = () => {
    for (const [s, l] of listeners) s.removeEventListener("abort", l);
    listeners.length = 0;
  };
  for (const s of sources) {
    if (s.aborted) {
      controller.abort(s.reason);
      clear();
      break;
    }
    const onAbort = () => {
      controller.abort(s.reason);
      clear();
    };
    s.addEventListener("abort", onAbort, { once: true });
    listeners.push([s, onAbort]);
  }
  return { signal: controller.signal, clear };
}

/** `parent`, or a TimeoutError after `ms`, whichever comes first; `clear` stops the timer. */
export function deadlineSignal(parent: AbortSignal, ms: number): { signal: AbortSignal; clear(): void } {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`timed out after ${ms} ms`, "TimeoutError")), ms);
  const both = anySignal([parent, timeout.signal]);
  return {
    signal: both.signal,
    clear() {
      clearTimeout(timer);
      both.clear();
    },
  };
}
