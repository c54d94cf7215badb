import { z } from "zod";

// The synthesis call's input. The engine builds the prompt with
// `synthesisPrompt` and a model (the local one, or a test's) reads it back with
// `readSynthesisPrompt`: one pair, so the format lives in one place.

export const synthesisPayloadSchema = z.object({
  parts: z.array(z.object({ title: z.string(), status: z.string(), summary: z.string() })),
  failures: z.array(z.object({ title: z.string() })),
  lowConfidence: z.array(z.object({ title: z.string() })),
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
