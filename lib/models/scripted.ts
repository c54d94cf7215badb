// Scripted models: AI SDK mock models that answer from a function, for tests and the
// chaos reproductions (scripts/chaos/repro.ts). Not part of any deployment.
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from "@ai-sdk/provider";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

export function textResult(text: string): LanguageModelV4GenerateResult {
  return { content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
}

export function toolCallResult(calls: Array<{ toolName: string; input?: Record<string, unknown> }>): LanguageModelV4GenerateResult {
  return {
    content: calls.map((c, i) => ({ type: "tool-call" as const, toolCallId: `call_${i}_${c.toolName}`, toolName: c.toolName, input: JSON.stringify(c.input ?? {}) })),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage,
    warnings: [],
  };
}

/** A mock model whose every answer (generate or stream) comes from `answer`, with its calls kept for assertions. */
export function scriptedModel(modelId: string, answer: (opts: LanguageModelV4CallOptions) => LanguageModelV4GenerateResult) {
  const calls: LanguageModelV4CallOptions[] = [];
  const model = new MockLanguageModelV4({
    modelId,
    doGenerate: async (opts) => {
      calls.push(opts);
      return answer(opts);
    },
    doStream: async (opts) => {
      calls.push(opts);
      const r = answer(opts);
      const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
      return {
        stream: convertArrayToReadableStream([
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: text },
          { type: "text-end", id: "t" },
          { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
        ]),
      };
    },
  });
  return { model, calls };
}

/** The tool names a call offered the model. */
export function offeredTools(opts: LanguageModelV4CallOptions): string[] {
  return (opts.tools ?? []).map((t) => t.name).sort();
}

/** The tool names whose results a call's prompt already holds. */
function toolsAnswered(opts: LanguageModelV4CallOptions): string[] {
  return opts.prompt.flatMap((m) => (m.role === "tool" ? m.content.flatMap((p) => (p.type === "tool-result" ? [p.toolName] : [])) : []));
}

/**
 * Technical support that tests the line, resets it, then fails on every later step
 * (its provider stops answering): a worker whose attempts all fail after one of them
 * committed an effect.
 */
export function resetThenFailModel() {
  return scriptedModel("reset-then-fail", (opts) => {
    const done = toolsAnswered(opts);
    if (!done.includes("run_line_test")) return toolCallResult([{ toolName: "run_line_test" }]);
    if (!done.includes("remote_reset")) return toolCallResult([{ toolName: "remote_reset" }]);
    throw new Error("model provider unavailable");
  });
}

/** A model that never answers: each call waits until its abort signal fires (a worker past its timeout, a stalled provider). */
export const hangingModel: LanguageModelV4 = {
  specificationVersion: "v4",
  provider: "test",
  modelId: "hangs-forever",
  supportedUrls: {},
  doGenerate: (o) => new Promise((_, reject) => o.abortSignal?.addEventListener("abort", () => reject(o.abortSignal!.reason))),
  doStream: (o) => new Promise((_, reject) => o.abortSignal?.addEventListener("abort", () => reject(o.abortSignal!.reason))),
};
