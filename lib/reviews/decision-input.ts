import { reviewDecisionSchema, type ReviewDecisionInput } from "../orchestrator/review-decisions";

export type DecisionInputResult =
  | { ok: true; input: ReviewDecisionInput }
  | { ok: false; issues: { path: string; message: string }[] };

/**
 * Parses a decision from a form or a JSON body. An empty or blank note means "no
 * note" (a textarea always submits a string), so it is dropped before validation.
 */
export function parseDecisionInput(raw: { reviewId: unknown; decision: unknown; note?: unknown }): DecisionInputResult {
  const note = typeof raw.note === "string" && raw.note.trim() === "" ? undefined : raw.note;
  const parsed = reviewDecisionSchema.safeParse({ reviewId: raw.reviewId, decision: raw.decision, note: note ?? undefined });
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
}
