import { LRUCache } from "lru-cache";

/**
 * A pure function of one text, remembered for the `max` most recently used texts.
 * One message is analysed many times per run (the fast path and the planning call
 * judge it, each worker step reads its sub-task again, the clause splitter asks about
 * the same clauses): the answer is the same each time. Bounded, because customers'
 * words pass through here. Answers are frozen, since every caller shares them.
 */
/** Texts each analysis keeps its answer for. */
export const ANALYSES_KEPT = 500;

export function memoByText<T extends object>(max: number, fn: (text: string) => T): (text: string) => T {
  const cache = new LRUCache<string, T>({ max });
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = deepFreeze(fn(text));
      cache.set(text, value);
    }
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
