import type { WorkerResult } from "../../../contracts";
import type { BrainDecision, BrainInput } from "../local-model";
import type { SeenToolResult } from "../prompt";

export function call(toolName: string, input: Record<string, unknown> = {}): BrainDecision {
  return { kind: "tool-calls", calls: [{ toolName, input }] };
}

export function calls(...list: Array<[string, Record<string, unknown>?]>): BrainDecision {
  return { kind: "tool-calls", calls: list.map(([toolName, input]) => ({ toolName, input: input ?? {} })) };
}

export function finish(result: WorkerResult): BrainDecision {
  return { kind: "text", text: JSON.stringify(result) };
}

/** The latest successful result of `tool`, or undefined when it was not called yet. */
export function latest(results: SeenToolResult[], tool: string): SeenToolResult | undefined {
  for (let i = results.length - 1; i >= 0; i--) if (results[i].toolName === tool) return results[i];
  return undefined;
}

export function allOf(results: SeenToolResult[], tool: string): SeenToolResult[] {
  return results.filter((r) => r.toolName === tool);
}

/**
 * Whether `tool` was held back from this worker: tools were offered, and this one is
 * not among them (the engine offers only read-only tools for a message about another
 * person's account). An empty list says nothing either way.
 */
export function withheld(input: BrainInput, tool: string): boolean {
  return input.toolNames.length > 0 && !input.toolNames.includes(tool);
}

/** What a worker says when the change it would make was held back (another person's account). */
export const OWN_ACCOUNT_ONLY =
  "I can only make changes to the account you're signed in with, so I haven't changed anything. The account holder needs to ask for changes to their own account themselves.";

/**
 * Confidence of a worker's answer: how sure the classifier is that the sub-task is
 * this worker's, combined with how conclusive the tool data was.
 */
export function combineConfidence(scopeScore: number, dataCertainty: number): number {
  const c = 0.35 * scopeScore + 0.65 * dataCertainty;
  return Math.round(Math.min(0.99, Math.max(0.01, c)) * 100) / 100;
}

export function refuseOutOfScope(worker: string, scope: string): BrainDecision {
  return finish({
    status: "refused",
    summary: `This request is outside what the ${worker} team handles (${scope}).`,
    facts: [],
    actions: [],
    confidence: 0.9,
  });
}

/** A role the local model has no decision logic for: it says so instead of guessing. */
export const refuseBrain = (): BrainDecision =>
  finish({ status: "refused", summary: "The offline model has no logic for this worker's tasks.", facts: [], actions: [], confidence: 0.9 });

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "for 2026-11" → "for November 2026", "since 2026-10-03" → "since October 3, 2026": dates in a text as a person writes them. */
export function spokenDates(text: string): string {
  return text
    .replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_m, y, mo, d) => `${MONTHS[Number(mo) - 1]} ${Number(d)}, ${y}`)
    .replace(/\b(\d{4})-(\d{2})\b/g, (_m, y, mo) => `${MONTHS[Number(mo) - 1]} ${y}`);
}

/** "Nov 15 at 14:02 UTC": a moment as a person writes it (the supervisor and the workers word times alike). */
export function spokenTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "earlier";
  return `${MONTHS[d.getUTCMonth()].slice(0, 3)} ${d.getUTCDate()} at ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}
