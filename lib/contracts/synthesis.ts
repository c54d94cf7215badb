import { z } from "zod";

// The synthesis call's input. The engine builds the prompt with
// `synthesisPrompt` and a model (the local one, or a test's) reads it back with
// `readSynthesisPrompt`: one pair, so the format lives in one place.

export const synthesisPayloadSchema = z.object({
  parts: z.array(z.object({ title: z.string(), status: z.string(), summary: z.string() })),
  /**
   * Parts that failed; `done`: what their tool calls already did (from the ledger), stated
   * as done; `unconfirmed`: an action of the part was still being committed when the
   * reply had to be written, so whether it happened is not known yet (never "not done").
   */
  failures: z.array(z.object({ title: z.string(), done: z.array(z.string()).optional(), unconfirmed: z.boolean().optional() })),
  lowConfidence: z.array(z.object({ title: z.string() })),
  /**
   * Set when the reply is written in parts as workers finish (progressive synthesis):
   * what the customer has already read, how many topics it covered, how many the whole
   * reply has, and whether this part ends it. Absent: the whole reply in one call.
   */
  progress: z
    .object({ said: z.string(), before: z.number().int().nonnegative(), total: z.number().int().positive(), final: z.boolean() })
    .optional(),
});
export type SynthesisPayload = z.infer<typeof synthesisPayloadSchema>;

const OPEN = "<worker_summaries>";
const CLOSE = "</worker_summaries>";

/** The user prompt of the synthesis call: the worker summaries as tagged JSON. */
export function synthesisPrompt(payload: SynthesisPayload): string {
  return `${OPEN}\n${JSON.stringify(payload)}\n${CLOSE}`;
}

/** Reads a synthesis prompt back; null when the text is not one. */
export function readSynthesisPrompt(text: string): SynthesisPayload | null {
  const start = text.indexOf(OPEN);
  const end = text.lastIndexOf(CLOSE);
  if (start < 0 || end < start) return null;
  try {
    const parsed = synthesisPayloadSchema.safeParse(JSON.parse(text.slice(start + OPEN.length, end)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The reply written in parts, as the customer reads it: paragraphs joined by a blank line. */
export function joinReplyParts(parts: readonly string[]): string {
  return parts.map((p) => p.trim()).filter(Boolean).join("\n\n");
}
