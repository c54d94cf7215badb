// How the console writes durations and counts, on every page (chat, audit, usage, reviews).

/** "850 ms" under a second, "1.2 s" from there. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A count with thousands separators, the same whatever the browser's locale (server and client render alike). */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
