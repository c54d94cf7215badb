import { streamText } from "ai";
import { synthesisPrompt, type SynthesisPayload } from "../contracts";
import { aiTelemetry } from "../telemetry/tracing";
import { findWorker, workerTitle } from "../workers/registry";
import type { EngineDeps } from "./deps";
import type { TaskOutcome } from "./workers-step";

const SYNTHESIS_SYSTEM = `You write the single reply a customer receives from a fiber internet provider's support team.
Combine the worker summaries below into one clear, friendly answer in a single voice, in the order the customer raised the topics. Never name departments, teams, workers or agents, and never use labels or headings: the customer should not be able to tell that several specialists were involved.
Use only what the summaries say: never add facts, amounts, dates or promises they do not contain.
Keep who did what exactly as the summaries say: something a summary states was already so (a technician already booked, a charge already credited, already on a plan, a line that tests healthy now) was not done in this conversation, so never turn it into "I've booked", "I've credited", "I've changed" or "I fixed"; and never present an action a summary says was done as something that was already so.
For every failed part, say plainly that it could not be completed now and that a member of the team will follow up; when a failed part lists what was already "done", state each of those actions as done, in its own words, never as not done. When a failed part is "unconfirmed", say that you could not confirm yet whether it went through and that a member of the team is checking: never say it was not done. For low-confidence parts, say a specialist will double-check.`;

// A later part of a progressive reply (synthesis-lane.ts): the customer is already
// reading the text before it, so this part continues it rather than starting over.
const SYNTHESIS_PART_SYSTEM = `${SYNTHESIS_SYSTEM}
The reply is written in parts, as the answers arrive, and the customer is already reading the first parts ("said" in the progress field). Write only the next part, covering only the summaries below: do not greet again, do not repeat or restate anything already said, and open with a natural transition from the text before. Unless "final" is true, more parts will follow: do not close the reply (no sign-off, no offer of further help), and do not mention topics that are not in these summaries.`;

export type SynthesisProgress = NonNullable<SynthesisPayload["progress"]>;

function synthesisPayload(deps: EngineDeps, outcomes: TaskOutcome[], progress?: SynthesisProgress): SynthesisPayload {
  const title = (w: string) => workerTitle(w, deps.workers);
  return {
    ...(progress ? { progress } : {}),
    parts: outcomes.flatMap((o) => (o.ok ? [{ title: title(o.task.worker), status: o.result.status, summary: o.result.summary }] : [])),
    failures: outcomes.flatMap((o) => (o.ok ? [] : [{ title: title(o.task.worker), ...(o.done.length ? { done: o.done } : {}), ...(o.unconfirmed ? { unconfirmed: true } : {}) }])),
    lowConfidence: outcomes.flatMap((o) =>
      o.ok && o.result.confidence < (findWorker(deps.workers, o.task.worker)?.confidenceThreshold ?? 1) && o.result.status !== "needs_review"
        ? [{ title: title(o.task.worker) }]
        : [],
    ),
  };
}

/**
 * Streams the synthesized reply (or, with `progress`, one part of it), calling
 * `onDelta` for each piece of text. A whole reply in one part gets the plain prompt.
 */
export async function synthesize(
  deps: EngineDeps,
  outcomes: TaskOutcome[],
  onDelta: (text: string) => void,
  signal?: AbortSignal,
  progress?: SynthesisProgress,
  runId?: string,
) {
  const started = Date.now();
  const whole = !progress || (progress.before === 0 && progress.final);
  const payload = synthesisPayload(deps, outcomes, whole ? undefined : progress);
  const result = streamText({
    model: deps.models.synthesis,
    system: whole ? SYNTHESIS_SYSTEM : SYNTHESIS_PART_SYSTEM,
    prompt: synthesisPrompt(payload),
    abortSignal: signal,
    maxRetries: 1,
    ...aiTelemetry("switchboard.synthesis", { runId }),
  });
  let text = "";
  for await (const delta of result.textStream) {
    text += delta;
    onDelta(delta);
  }
  const usage = await result.totalUsage;
  return {
    text: text.trim(),
    usage: { tokensIn: usage.inputTokens ?? 0, tokensOut: usage.outputTokens ?? 0, latencyMs: Date.now() - started, model: deps.models.synthesis.modelId },
  };
}
