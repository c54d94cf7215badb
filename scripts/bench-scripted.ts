// A model that computes nothing, for measuring the orchestration alone: it replays,
// call by call, what the local model answered for the same message in the same
// process (the same plan, the same tool calls with the same arguments, the same
// worker results, the same streamed reply deltas and the same token counts), so a run
// on it does everything a local-model run does (persistence, MCP tool calls, events,
// audit, ledger, usage) except the model's own work. The local model's cost per run is
// then the difference between the two.
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
} from "@ai-sdk/provider";
import type { IntentClassifier } from "../lib/contracts";
import type { Models } from "../lib/models/registry";

type Answer = { kind: "generate"; result: LanguageModelV4GenerateResult } | { kind: "stream"; parts: LanguageModelV4StreamPart[] };

/** What one run's models answered, per role in call order, and what the classifier said. */
export interface Recording {
  answers: Map<string, Answer[]>;
  classifications: Map<string, { worker: string | null; confidence: number }>;
}

/** Wraps `models` (and the classifier) so that every answer is recorded for `scripted` to replay. */
export function recording(models: Models, classifier?: IntentClassifier) {
  const rec: Recording = { answers: new Map(), classifications: new Map() };
  const keep = (role: string, a: Answer) => rec.answers.set(role, [...(rec.answers.get(role) ?? []), a]);
  const wrap = (role: string, m: LanguageModelV4): LanguageModelV4 => ({
    specificationVersion: "v4",
    provider: m.provider,
    modelId: m.modelId,
    supportedUrls: m.supportedUrls,
    async doGenerate(o: LanguageModelV4CallOptions) {
      const result = await m.doGenerate(o);
      keep(role, { kind: "generate", result: structuredClone({ ...result, request: undefined, response: undefined }) });
      return result;
    },
    async doStream(o: LanguageModelV4CallOptions) {
      const { stream, ...rest } = await m.doStream(o);
      const parts: LanguageModelV4StreamPart[] = [];
      keep(role, { kind: "stream", parts });
      const tee = new TransformStream<LanguageModelV4StreamPart, LanguageModelV4StreamPart>({
        transform(part, controller) {
          parts.push(structuredClone(part));
          controller.enqueue(part);
        },
      });
      return { ...rest, stream: stream.pipeThrough(tee) };
    },
  });
  const wrapped = Object.fromEntries(Object.entries(models).map(([r, m]) => [r, wrap(r, m)])) as Models;
  const recordingClassifier: IntentClassifier | undefined = classifier && {
    classify(message) {
      const guess = classifier.classify(message);
      rec.classifications.set(message, guess);
      return guess;
    },
  };
  return { models: wrapped, classifier: recordingClassifier, recording: rec };
}

/**
 * Models that replay `rec`: the n-th call of a role gets the n-th recorded answer of
 * that role (the last one again if a run makes more calls, e.g. a synthesis part
 * restarted under different timing). Call it once per run: each role's count starts at 0.
 */
export function scripted(rec: Recording, roles: string[]) {
  const replay = (role: string): LanguageModelV4 => {
    const answers = rec.answers.get(role) ?? [];
    let next = 0;
    const take = () => {
      const a = answers[Math.min(next++, answers.length - 1)];
      if (!a) throw new Error(`the recording has no answer for the role "${role}"`);
      return a;
    };
    return {
      specificationVersion: "v4",
      provider: "switchboard-scripted",
      modelId: `scripted-${role}`,
      supportedUrls: {},
      async doGenerate() {
        const a = take();
        if (a.kind !== "generate") throw new Error(`call ${next} of "${role}" was a stream when recorded`);
        return a.result;
      },
      async doStream() {
        const a = take();
        if (a.kind !== "stream") throw new Error(`call ${next} of "${role}" was not a stream when recorded`);
        const parts = [...a.parts];
        return { stream: new ReadableStream<LanguageModelV4StreamPart>({ pull: (c) => (parts.length ? c.enqueue(parts.shift()!) : c.close()) }) };
      },
    };
  };
  const models = Object.fromEntries(roles.map((r) => [r, replay(r)])) as Models;
  const classifier: IntentClassifier = { classify: (message) => rec.classifications.get(message) ?? { worker: null, confidence: 0 } };
  return { models, classifier };
}
