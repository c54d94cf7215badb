import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { countPromptTokens, countTokens } from "./nlu/tokens";
import { lastUserText, systemText, toolResults, type SeenToolResult } from "./prompt";

/** What a role's decision logic sees of a call. */
export interface BrainInput {
  options: LanguageModelV4CallOptions;
  system: string;
  userText: string;
  results: SeenToolResult[];
  toolNames: string[];
  wantsJson: boolean;
}

export type BrainDecision =
  | { kind: "tool-calls"; calls: Array<{ toolName: string; input: Record<string, unknown> }> }
  | { kind: "text"; text: string };

export type Brain = (input: BrainInput) => BrainDecision;

export interface LocalModelOptions {
  role: string;
  brain: Brain;
  /** Simulated latency per call (the time a hosted model would take). */
  latencyMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new DOMException("Aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Pause between streamed words when a latency is simulated: the text then streams at
 * a hosted model's pace after its time to first token.
 */
const WORD_PACE_MS = 2;

/** One turn of the event loop: other work (and other runs) goes first, no timer's minimum wait. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function usage(inputTokens: number, outputTokens: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
}

let callCounter = 0;

/**
 * The offline model: a deterministic AI SDK language model (spec v4) whose answers
 * come from a role's decision logic (lib/models/local/brains). Plans, tool calls and
 * streamed text go through the same AI SDK calls as a hosted model would.
 */
export class LocalLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = "v4" as const;
  readonly provider = "switchboard-local";
  readonly modelId: string;
  readonly supportedUrls = {};

  constructor(private readonly opts: LocalModelOptions) {
    this.modelId = `local-${opts.role}`;
  }

  private decide(options: LanguageModelV4CallOptions) {
    const prompt = options.prompt;
    const input: BrainInput = {
      options,
      system: systemText(prompt),
      userText: lastUserText(prompt),
      results: toolResults(prompt),
      toolNames: (options.tools ?? []).map((t) => t.name),
      wantsJson: options.responseFormat?.type === "json",
    };
    const decision = this.opts.brain(input);
    const inTokens = countPromptTokens(prompt, options.tools);
    return { decision, inTokens };
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    await sleep(this.opts.latencyMs ?? 0, options.abortSignal);
    const { decision, inTokens } = this.decide(options);
    if (decision.kind === "tool-calls") {
      const content: LanguageModelV4Content[] = decision.calls.map((c) => ({
        type: "tool-call",
        toolCallId: `call_${++callCounter}`,
        toolName: c.toolName,
        input: JSON.stringify(c.input),
      }));
      const out = decision.calls.reduce((s, c) => s + countTokens(c.toolName + JSON.stringify(c.input)), 0);
      return { content, finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(inTokens, out), warnings: [] };
    }
    return {
      content: [{ type: "text", text: decision.text }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(inTokens, countTokens(decision.text)),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    // The simulated latency is paid before the first token, like a hosted model's
    // time to first token; the text then streams in word-sized deltas.
    await sleep(this.opts.latencyMs ?? 0, options.abortSignal);
    const { decision, inTokens } = this.decide(options);
    const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
    let outTokens = 0;
    if (decision.kind === "tool-calls") {
      for (const c of decision.calls) {
        const input = JSON.stringify(c.input);
        outTokens += countTokens(c.toolName + input);
        parts.push({ type: "tool-call", toolCallId: `call_${++callCounter}`, toolName: c.toolName, input });
      }
      parts.push({ type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(inTokens, outTokens) });
    } else {
      const id = `txt_${++callCounter}`;
      parts.push({ type: "text-start", id });
      for (const piece of decision.text.match(/\S+\s*|\s+/g) ?? []) parts.push({ type: "text-delta", id, delta: piece });
      parts.push({ type: "text-end", id });
      parts.push({ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usage(inTokens, countTokens(decision.text)) });
    }
    const signal = options.abortSignal;
    const paced = (this.opts.latencyMs ?? 0) > 0;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      async pull(controller) {
        const next = parts.shift();
        if (!next) return controller.close();
        if (signal?.aborted) return controller.error(signal.reason);
        controller.enqueue(next);
        // Yield between deltas so consumers see a stream, not one burst. Without a
        // simulated latency only for one event-loop turn: a 2 ms timer per word was most
        // of a 0 ms run's wall time (docs/PERFORMANCE.md, "Local model compute").
        if (next.type === "text-delta") await (paced ? sleep(WORD_PACE_MS) : nextTurn());
      },
    });
    return { stream };
  }
}
