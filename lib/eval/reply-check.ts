// What a careful person would not write to a customer, found in a reply: a paragraph
// that stops without punctuation (a fragment of tool output), an internal code (a plan
// or add-on id, a tool's name or status), an id repeated (an invoice named more than
// once), a raw ISO timestamp, a sentence said twice. Counted per turn in the summary
// (`replyProblems`); the world's ids come from the fixture, so a new plan is covered.
import type { World } from "../world/fixture";

const TOOL_WORDS = /\b(?:issue_credit|change_plan|quote_plan_change|find_discrepancies|get_billing_overview|get_invoice|get_profile|list_plans|check_outage|run_line_test|remote_reset|dispatch_technician|already_booked|already_credited|already_on_plan|already_pending|needs_approval|no_fault|not_fixed)\b/;
const ISO_TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const REPEATABLE_IDS = /\b(?:INV-\d{4}-\d{4}|OUT-\d+|SLOT-\d+)\b/g;

/** The codes a customer should never read: plan and add-on ids of the world. */
export function internalCodes(world: World): string[] {
  return [...world.plans.map((p) => p.id), ...world.addOns.map((a) => a.id)];
}

/** The problems of one reply, each a short phrase ("fragment: …", "internal code: roam-intl"). */
export function replyProblems(reply: string, codes: readonly string[]): string[] {
  const problems: string[] = [];
  const text = reply.trim();
  if (!text) return problems;
  for (const para of text.split(/\n+/).map((p) => p.trim()).filter(Boolean)) {
    if (!/[.!?]["')\]]?$/.test(para)) problems.push(`fragment: "…${para.slice(-40)}"`);
    // Two sentences run together where a stop was lost: "…not on the account Just ask and I can credit it."
    const joined = /\b(?:account|plan|bill|invoice|charge|fee|month|credit|line|today|now|\d{4}-\d{2}-\d{2}|\$\d+\.\d{2}) (?:Just|I|I've|I'll|Your|You|You're|Nothing|Service|There|This|It)\b/.exec(para);
    if (joined) problems.push(`run-on: "${joined[0]}"`);
  }
  const lower = text.toLowerCase();
  for (const code of codes) if (new RegExp(`(?<![\\w-])${code.replace(/[-]/g, "\\-")}(?![\\w-])`, "i").test(lower)) problems.push(`internal code: ${code}`);
  const tool = TOOL_WORDS.exec(text);
  if (tool) problems.push(`internal code: ${tool[0]}`);
  const ids = new Map<string, number>();
  for (const m of text.matchAll(REPEATABLE_IDS)) ids.set(m[0], (ids.get(m[0]) ?? 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id ${id} ${n} times`);
  if (ISO_TIMESTAMP.test(text)) problems.push("raw timestamp");
  const sentences = text.split(/(?<=[.!?])\s+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 20);
  const seen = new Set<string>();
  for (const s of sentences) {
    if (seen.has(s)) problems.push(`repeated: "${s.slice(0, 40)}…"`);
    seen.add(s);
  }
  return problems;
}
