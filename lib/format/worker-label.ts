import { workerTitle } from "../workers/registry";

// A worker's display name everywhere it is shown (chat, reviews, audit, usage,
// settings): its title from its definition. The worker files are plain data, safe in
// the browser bundle.

/** A worker's display name, from its definition (its name when it is not registered). */
export function workerLabel(name: string): string {
  return workerTitle(name);
}
