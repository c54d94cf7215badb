/**
 * Rule-based clause segmentation of a customer message: sentences, ";", " + ",
 * and connectives that start a new request ("also", "and also", "plus",
 * "by the way", ", then", "and I'd like", ", can you", ", and tell me" ...).
 * Pure and deterministic; used by the classifier (clause pooling) and by the
 * sub-task splitter.
 */

export interface Segment {
  /** Clause text, trimmed, leading connectives removed. */
  text: string;
  /** Offset of the clause in the original message (text === message.slice(start, end)). */
  start: number;
  end: number;
  /** "…or I'm leaving": an ultimatum that backs up the request before it, not a request of its own. */
  ultimatum?: boolean;
}

const ULTIMATUM = /,?\s+or\s+(?=(?:else\b|i'll|i\s+will|i'm|i\s+am|we'll|we\s+will)\b)/gi;

const VERBS =
  "tell|show|give|send|fix|check|look|remove|cancel|refund|credit|waive|take|upgrade|downgrade|switch|move|change|put|bump|get|let|update|reset|run|book|schedule|sort|explain|correct|reverse|dispute|compensate|reimburse|drop|sign|help|confirm|find|list|compare|quote|restore|turn|dispatch";
const OPENERS = `i|i'd|i'm|i've|i'll|id|im|ive|we|we'd|we're|can|could|would|will|please|pls|plz|what|what's|whats|how|when|why|is|are|do|does|my|our|the|there|it|it's|internet|wifi|also|${VERBS}`;

/** Each entry marks a boundary; the part matched by the regex is dropped. */
const BOUNDARIES: RegExp[] = [
  // sentence ends (not inside numbers like 12.99) and line breaks
  /(?<=[.!?])(?<!\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|approx)\.)["')\]]*\s+|\n+/gi,
  /\s*;\s*|\s+\+\s+|\s*\|\s*/g,
  // "also" starts a new request: ", also", "and also", ". Also", "also can you"
  /(?:,\s*|\s+)(?:and\s+|but\s+)?also\b[,:]?\s*/gi,
  /(?:,\s*|\s+)(?:plus|additionally|separately|by the way|btw|on top of that|another thing|one more thing|as well as that)\b[,:]?\s*/gi,
  new RegExp(`,?\\s+(?:and\\s+)?then\\s+(?=(?:i|can|please|${VERBS})\\b)`, "gi"),
  new RegExp(`,?\\s+and\\s+(?=(?:${OPENERS})\\b)`, "gi"),
  new RegExp(`,\\s*(?=(?:i\\s+(?:want|would|need|also|expect|demand)|i'd\\s+(?:like|also)|i\\s+am\\s+(?:also|thinking)|i'm\\s+(?:also|thinking)|can\\s+you|could\\s+you|can\\s+i|could\\s+i|please|pls|and\\s+|${VERBS}\\b))`, "gi"),
  /\b(?:\d\)|\(\d\))\s*/g,
  ULTIMATUM,
];

const LEADING = /^(?:[\s,:;.\-–—]+|(?:and|also|plus|but|then|so|oh|ok|okay)\b[\s,:]*)+/i;
const TRAILING = /[\s,;:\-–—]+$/;

/**
 * Split a message into clauses. Always returns at least one segment for a
 * non-empty message; empty pieces are dropped.
 */
export function segmentMessage(text: string): Segment[] {
  // collect cut intervals from all boundary patterns
  const cuts: Array<[number, number]> = [];
  for (const re of BOUNDARIES) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const s = m.index ?? 0;
      cuts.push([s, s + m[0].length]);
    }
  }
  // A numbered list ("1. … 2. …"): each marker starts an item. Only when the message
  // has both a 1 and a 2, so a sentence that ends in a number keeps it.
  if (/(?:^|\s)1[.)]\s/.test(text) && /\s2[.)]\s/.test(text)) {
    for (const m of text.matchAll(/(?:^|\s)\d{1,2}[.)]\s+/g)) {
      const s = m.index ?? 0;
      cuts.push([s, s + m[0].length]);
    }
  }
  cuts.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: Segment[] = [];
  let pos = 0;
  const push = (from: number, to: number) => {
    let piece = text.slice(from, to);
    const lead = piece.match(LEADING)?.[0].length ?? 0;
    piece = piece.slice(lead).replace(TRAILING, "");
    if (/[a-z0-9]/i.test(piece)) out.push({ text: piece, start: from + lead, end: from + lead + piece.length });
  };
  const ultimatumStarts = new Set([...text.matchAll(ULTIMATUM)].map((m) => (m.index ?? 0) + m[0].length));
  for (const [s, e] of cuts) {
    if (e <= pos) continue;
    if (s > pos) push(pos, s);
    pos = Math.max(pos, e);
  }
  push(pos, text.length);
  for (const seg of out) if ([...ultimatumStarts].some((u) => u <= seg.start && seg.start - u <= 1)) seg.ultimatum = true;
  if (out.length === 0 && text.trim()) {
    const start = text.indexOf(text.trim());
    out.push({ text: text.trim(), start, end: start + text.trim().length });
  }
  return out;
}
