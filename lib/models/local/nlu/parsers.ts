/**
 * Entity parsers for the demo domain: money amounts, invoice and customer ids,
 * date references and plan targets. Pure functions, no locale magic.
 */

// ---------------------------------------------------------------- amounts

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?`;
const AMOUNT_RE = new RegExp(
  String.raw`(?:(?:US)?\$|\bUSD\s?)\s?(${NUM})(\s?[kK]\b)?` + // $30, $12.99, $1,000, USD 40, $1k
    String.raw`|\b(${NUM})\s?(?:dollars?|bucks|usd)\b` + // 85 dollars, 25 bucks
    String.raw`|\b(${NUM})\s?(?:cents?)\b`, // 50 cents
  "gi",
);

function toCents(num: string): number {
  const clean = num.replace(/,/g, "");
  const [whole, frac = ""] = clean.split(".");
  return Number(whole) * 100 + Number((frac + "00").slice(0, 2));
}

/** Money amounts in cents, in order of appearance: "$30" -> 3000, "85 dollars" -> 8500. */
export function parseAmountsCents(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(AMOUNT_RE)) {
    if (m[1] !== undefined) out.push(toCents(m[1]) * (m[2] ? 1000 : 1));
    else if (m[3] !== undefined) out.push(toCents(m[3]));
    else if (m[4] !== undefined) out.push(Math.round(Number(m[4].replace(/,/g, ""))));
  }
  return out;
}

// ---------------------------------------------------------------- ids

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Invoice ids such as INV-1001-2611 (upper-cased, deduplicated, in order). */
export function parseInvoiceIds(text: string): string[] {
  return unique([...text.matchAll(/\binv[-\s#]?(\d{3,}(?:-\d+)*)\b/gi)].map((m) => `INV-${m[1]}`));
}

/**
 * Customer ids such as C-1002 (also "c1002", and "customer 1002" / "customer #1002"
 * / "account number 1002"), normalised to C-NNNN.
 */
export function parseCustomerIds(text: string): string[] {
  const ids: Array<[number, string]> = [];
  for (const m of text.matchAll(/\bC-?(\d{4,})\b/gi)) ids.push([m.index ?? 0, `C-${m[1]}`]);
  for (const m of text.matchAll(/\b(?:customer|account|acct)\s*(?:id|number|no\.?|#)?\s*[:#]?\s*(\d{4,})\b/gi)) ids.push([m.index ?? 0, `C-${m[1]}`]);
  ids.sort((a, b) => a[0] - b[0]);
  return unique(ids.map((x) => x[1]));
}

// ---------------------------------------------------------------- dates

export type RelativeMarker =
  | "today"
  | "yesterday"
  | "tomorrow"
  | "this_morning"
  | "tonight"
  | "this_week"
  | "last_week"
  | "this_month"
  | "last_month"
  | "next_month"
  | "days_ago"
  | "for_days";

export type DateRef =
  | { kind: "iso"; date: string; text: string }
  | { kind: "month"; month: number; name: string; text: string }
  | { kind: "relative"; marker: RelativeMarker; days?: number; text: string };

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_RE = /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?/gi;

// No prototype: the key comes from the customer's text.
const WORD_NUMBERS: Record<string, number> = Object.assign(Object.create(null), { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, couple: 2, few: 3 });

const RELATIVE: Array<[RegExp, RelativeMarker]> = [
  [/\btoday\b/gi, "today"],
  [/\byesterday\b/gi, "yesterday"],
  [/\btomorrow\b/gi, "tomorrow"],
  [/\bthis morning\b/gi, "this_morning"],
  [/\btonight\b/gi, "tonight"],
  [/\b(?:this|all) week\b/gi, "this_week"],
  [/\blast week\b/gi, "last_week"],
  [/\bthis month(?:'s)?\b/gi, "this_month"],
  [/\blast month(?:'s)?\b|\bprevious month\b/gi, "last_month"],
  [/\bnext month\b/gi, "next_month"],
];

/**
 * Date references in order of appearance: ISO dates ("2026-10-03"), month names
 * ("October", "Oct", "November bill"; "may" only when capitalised and not a verb)
 * and relative markers ("last month", "yesterday", "3 days ago", "for 2 days").
 */
export function parseDates(text: string): DateRef[] {
  const found: Array<[number, DateRef]> = [];
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && e > a);
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) {
    const s = m.index ?? 0;
    const mo = Number(m[2]), d = Number(m[3]);
    if (mo < 1 || mo > 12 || d < 1 || d > 31) continue;
    found.push([s, { kind: "iso", date: m[0], text: m[0] }]);
    taken.push([s, s + m[0].length]);
  }
  for (const [re, marker] of RELATIVE) {
    for (const m of text.matchAll(re)) {
      const s = m.index ?? 0;
      if (!free(s, s + m[0].length)) continue;
      found.push([s, { kind: "relative", marker, text: m[0] }]);
      taken.push([s, s + m[0].length]);
    }
  }
  for (const m of text.matchAll(/\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+days?\s+ago\b/gi)) {
    const s = m.index ?? 0;
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : WORD_NUMBERS[m[1].toLowerCase().replace(/^a\s+|\s+of$/g, "")] ?? 1;
    found.push([s, { kind: "relative", marker: "days_ago", days: n, text: m[0] }]);
    taken.push([s, s + m[0].length]);
  }
  for (const m of text.matchAll(/\bfor\s+(?:the\s+(?:last|past)\s+)?(\d+|two|three|four|five|six|seven|a couple of|a few)\s+days\b/gi)) {
    const s = m.index ?? 0;
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : WORD_NUMBERS[m[1].toLowerCase().replace(/^a\s+|\s+of$/g, "")] ?? 2;
    found.push([s, { kind: "relative", marker: "for_days", days: n, text: m[0] }]);
    taken.push([s, s + m[0].length]);
  }
  for (const m of text.matchAll(MONTH_RE)) {
    const s = m.index ?? 0;
    const word = m[1];
    const lower = word.toLowerCase();
    if (!free(s, s + m[0].length)) continue;
    if (lower === "may") {
      // "May" the month, not the modal verb: capitalised and not followed by a pronoun / verb
      if (word !== "May") continue;
      if (/^\s+(?:i|we|you|he|she|they|it|be|have|need)\b/i.test(text.slice(s + 3))) continue;
    }
    if (lower === "mar" || lower === "jun" || lower === "jul" || lower === "sep" || lower === "sept") {
      if (word[0] !== word[0].toUpperCase()) continue; // "mar" etc. only as capitalised abbreviations
    }
    const month = MONTHS.findIndex((n) => n.startsWith(lower.slice(0, 3))) + 1;
    found.push([s, { kind: "month", month, name: MONTHS[month - 1], text: m[0] }]);
  }
  found.sort((a, b) => a[0] - b[0]);
  return found.map((x) => x[1]);
}

// ---------------------------------------------------------------- plans

export interface PlanInfo {
  id: string;
  name: string;
  downMbps: number;
  monthlyCents: number;
}

export interface PlanTarget {
  planId?: string;
  direction?: "up" | "down";
  superlative?: "cheapest" | "fastest";
}

/** Common misspellings of the plan-change verbs: "uprgade", "upgarde", "dowgrade". */
export function fixPlanVerbTypos(lower: string): string {
  return lower
    .replace(/\b(?:uprgade|upgarde|upgade|upgrde|upgradde|updgrade|ugprade|upgrage|upgraid)(s|d|ing)?\b/g, "upgrade$1")
    .replace(/\b(?:downgarde|dowgrade|donwgrade|downgade|dwongrade|downgrde|downrade|downgrage)(s|d|ing)?\b/g, "downgrade$1");
}

const DOWN_RE =
  /\b(?:downgrad\w*|move (?:me |us |it )?down|step (?:me |us )?down|go(?:ing)? down|drop (?:me |us )?(?:down|to)|take (?:me |us )?down|bump (?:me |us )?down|cheaper|less expensive|lower(?:[- ]priced)? (?:plan|tier|package|speed)|lower (?:my|the|our) (?:plan|tier|package|speed)|lower tier|smaller (?:plan|package|tier)|slower|reduce (?:my )?(?:plan|speed)|scale (?:me |it )?(?:back|down)|plan below|tier down|down a tier|down to|drop (?:me |us )?(?:a|one) (?:tier|level|plan)|(?:plan|tier|level|step|one) (?:down|lower|below))\b/gi;
const UP_RE =
  /\b(?:upgrad\w*|move (?:me |us |it )?up|step (?:me |us )?up|go(?:ing)? up|bump (?:me |us |it )?up|faster|quicker|more speed|higher(?:[- ]speed)? (?:plan|tier|package)|(?:raise|increase) (?:my|the|our) (?:plan|tier|package|speed)|higher tier|bigger (?:plan|package)|plan above|tier up|up a tier|boost|(?:plan|tier|level|step|one) (?:up|higher|above))\b/gi;
const CHEAPEST_RE = /\b(?:cheapest|least expensive|lowest[- ]priced?|lowest (?:plan|tier|cost|price)|lowest speed|most affordable|basic (?:plan|tier|package|one|speed)|bottom tier|entry[- ]level|smallest (?:plan|package|tier))\b/i;
const FASTEST_RE = /\b(?:fastest|quickest|top (?:plan|tier|speed)|highest (?:plan|tier|speed)|maximum speed|max speed|biggest (?:plan|package)|the best (?:plan|speed) you have|premium(?: (?:plan|tier|package|one|speed))?)\b/i;

interface Mention {
  planId: string;
  start: number;
  end: number;
}

function planMentions(text: string, plans: PlanInfo[]): Mention[] {
  const out: Mention[] = [];
  const lower = text.toLowerCase();
  const push = (planId: string, start: number, end: number) => {
    if (!out.some((m) => start < m.end && end > m.start)) out.push({ planId, start, end });
  };
  // full names and ids first ("Fiber 1 Gig", "fiber-300")
  const byNameLength = [...plans].sort((a, b) => b.name.length - a.name.length);
  for (const p of byNameLength) {
    for (const needle of [p.name.toLowerCase(), p.id.toLowerCase()]) {
      let i = lower.indexOf(needle);
      while (i >= 0) {
        const before = lower[i - 1] ?? " ";
        const after = lower[i + needle.length] ?? " ";
        if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) push(p.id, i, i + needle.length);
        i = lower.indexOf(needle, i + 1);
      }
    }
  }
  // gig wording -> the plan with >= 1000 Mbps
  const gig = [...plans].filter((p) => p.downMbps >= 1000).sort((a, b) => a.downMbps - b.downMbps)[0];
  if (gig) {
    for (const m of lower.matchAll(/(?<![$\d.,])\b(?:fiber\s*)?(?:1|one)\s?(?:gig|gb|gbps|gigabit)\b|\bgig(?:abit)?\b|(?<![$\d.,])\b1000\s?(?:mbps|meg)?\b(?!\s*(?:dollars?|bucks|usd))|(?<![$\d.,])\b1,000\s?mbps\b/g)) {
      push(gig.id, m.index ?? 0, (m.index ?? 0) + m[0].length);
    }
  }
  // bare speeds: "the 300 plan", "500", "100 Mbps"; not money, durations or measurements
  const bySpeed = new Map(plans.map((p) => [p.downMbps, p]));
  for (const m of lower.matchAll(/(?<![$\d.,-])\b(\d{2,4})\b(?!\s*(?:dollars?|bucks|usd|cents?|days?|months?|hours?|minutes?|ms|years?|times|gb\b|%|\.\d|,\d))/g)) {
    const p = bySpeed.get(Number(m[1]));
    if (!p) continue;
    const start = m.index ?? 0;
    const after = lower.slice(start + m[0].length, start + m[0].length + 24);
    const before = lower.slice(Math.max(0, start - 40), start);
    // a measured speed ("speed tests show 300 Mbps", "only get 100 mbps") is not a plan target
    if (/^\s*(?:mbps|meg)/.test(after) && /\b(?:get(?:ting)?|show(?:s|ing)?|only|measur\w*|test\w*|like|about|around|at)\s+(?:like\s+|about\s+|around\s+)?$/.test(before)) continue;
    push(p.id, start, start + m[0].length);
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/**
 * Each plan mention scored as a destination: introduced by "to / onto / into / for /
 * get / want / the" it gains, introduced by "from" or describing the current plan
 * ("I'm on", "I have", "300 is more than we use") it loses.
 */
function scoredMentions(text: string, lower: string, plans: PlanInfo[]): Array<Mention & { score: number }> {
  return planMentions(text, plans).map((m) => {
    const before = lower.slice(Math.max(0, m.start - 30), m.start);
    let score = 0;
    if (/\b(?:to|onto|into|for|get|want|take|like|with|choose|pick|prefer)\s+(?:the\s+|a\s+|my\s+)?(?:new\s+)?(?:plan\s+)?$/.test(before)) score += 2;
    if (/\bfrom\s+(?:the\s+|my\s+)?$/.test(before)) score -= 3;
    if (/\b(?:i'm on|i am on|currently on|i'm currently|i have|i've got|i pay for|paying for|charges?|charged|billed|price|rate|still on|was on|on my)\s+(?:the\s+|a\s+|my\s+)?$/.test(before)) score -= 2;
    // the plan the customer has, described: "300 is more than we use", "gig is overkill"
    const after = lower.slice(m.end, m.end + 40);
    if (/^\s*(?:mbps\s+|plan\s+|tier\s+|one\s+)?(?:is|'s|was)\s+(?:(?:way|much|far|a bit|a lot)\s+)?(?:more than|too (?:much|fast|expensive|slow)|overkill|plenty|enough|not enough)\b/.test(after)) score -= 3;
    return { ...m, score };
  });
}

/** A mention scored below this describes where the customer is or comes from, not a plan they ask about. */
const TARGET_MIN_SCORE = -1;

/**
 * Every plan a message names as one it asks about, in order, each once: "fiber 500 vs
 * the gig" names two, "from 500 to 300" only 300 (the plan it comes from is not asked about).
 */
export function parseNamedPlans(text: string, plans: PlanInfo[]): string[] {
  const lower = fixPlanVerbTypos(text.toLowerCase());
  return unique(scoredMentions(text, lower, plans).filter((m) => m.score >= TARGET_MIN_SCORE).map((m) => m.planId));
}

/**
 * The plan a message asks to move to. Of several mentioned plans, the one
 * introduced by "to / onto / into / for / get / want / the" wins over one
 * introduced by "from" or describing the current plan ("I'm on", "I have").
 * A superlative ("cheapest", "fastest") resolves to that plan when no plan is
 * named. `direction` comes from wording (downgrade, move me down, cheaper,
 * upgrade, faster ...) or, when absent, from a superlative.
 */
export function parsePlanTarget(text: string, plans: PlanInfo[]): PlanTarget {
  const lower = fixPlanVerbTypos(text.toLowerCase());
  const result: PlanTarget = {};
  const scored = scoredMentions(text, lower, plans);
  if (scored.length) {
    const best = scored.reduce((a, b) => (b.score > a.score || (b.score === a.score && b.start > a.start) ? b : a));
    if (best.score >= TARGET_MIN_SCORE) result.planId = best.planId;
  }
  const ups = [...lower.matchAll(UP_RE)].map((m) => m.index ?? 0);
  const downs = [...lower.matchAll(DOWN_RE)].map((m) => m.index ?? 0);
  if (ups.length && !downs.length) result.direction = "up";
  else if (downs.length && !ups.length) result.direction = "down";
  else if (ups.length && downs.length) result.direction = Math.max(...ups) > Math.max(...downs) ? "up" : "down";
  if (CHEAPEST_RE.test(lower)) result.superlative = "cheapest";
  else if (FASTEST_RE.test(lower)) result.superlative = "fastest";
  if (result.superlative && !result.planId && plans.length) {
    const sorted = [...plans].sort((a, b) =>
      result.superlative === "cheapest" ? a.monthlyCents - b.monthlyCents || a.downMbps - b.downMbps : b.downMbps - a.downMbps || a.monthlyCents - b.monthlyCents,
    );
    result.planId = sorted[0].id;
  }
  if (!result.direction && result.superlative) result.direction = result.superlative === "cheapest" ? "down" : "up";
  return result;
}

/**
 * Whether the words name a plan themselves, by name or speed ("fiber 500", "the 1 gig",
 * "300 mbps", "basic"), rather than by rank or direction ("the premium one", "faster").
 */
export function namesAPlan(text: string): boolean {
  return /\bfiber\s*\d|\b\d+\s*(?:mbps|meg|gig)\b|\bgig\b|\bbasic\b/i.test(text);
}
