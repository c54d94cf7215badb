import { reviewDecisionSchema, type ReviewDecisionInput } from "../orchestrator/review-decisions";

export type DecisionInputResult =
  | { ok: true; input: ReviewDecisionInput }
  | { ok: false; issues: { path: string; message: string }[] };

const blank = (v: unknown) => v === null || (typeof v === "string" && v.trim() === "");

/**
 * Parses a decision from a form or a JSON body. An empty or blank note or reply means
 * "none" (a textarea always submits a string), so it is dropped before validation; a
 * form's version arrives as a string. Any other field (action arguments, say) fails
 * the strict schema: approval executes only what is stored.
 */
export function parseDecisionInput(raw: Record<string, unknown> & { reviewId: unknown; decision: unknown }): DecisionInputResult {
  const fields: Record<string, unknown> = { ...raw };
  for (const key of ["note", "reply", "expectedVersion"]) if (blank(fields[key]) || fields[key] === undefined) delete fields[key];
  if (typeof fields.expectedVersion === "string" && /^\d+$/.test(fields.expectedVersion)) fields.expectedVersion = Number(fields.expectedVersion);
  const parsed = reviewDecisionSchema.safeParse(fields);
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
}
