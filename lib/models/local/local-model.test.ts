import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { afterEach, describe, expect, it, vi } from "vitest";
import { synthesisPrompt } from "../../contracts";
import { createLocalModel } from ".";

const summary = "I found a fault on your line and fixed it with a remote reset; it now tests at 300 Mbps.";
const options = {
  prompt: [{ role: "user", content: [{ type: "text", text: synthesisPrompt({ parts: [{ title: "Technical support", status: "done", summary }], failures: [], lowConfidence: [] }) }] }],
} as LanguageModelV4CallOptions;

async function read(stream: ReadableStream<LanguageModelV4StreamPart>) {
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const p of stream as unknown as AsyncIterable<LanguageModelV4StreamPart>) parts.push(p);
  return parts;
}

describe("local model streaming", () => {
  afterEach(() => vi.useRealTimers());

  it("streams word-sized deltas without a timer per word when no latency is simulated", async () => {
    // With setTimeout frozen, a stream that waited on a timer between words would never end.
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const { stream } = await createLocalModel("synthesis", 0).doStream(options);
    const deltas = (await read(stream)).flatMap((p) => (p.type === "text-delta" ? [p.delta] : []));
    expect(deltas.length).toBe(summary.split(" ").length);
    expect(deltas.join("")).toBe(summary);
  });

  it("paces the words after the simulated time to first token", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const done = createLocalModel("synthesis", 5)
      .doStream(options)
      .then((r) => read(r.stream));
    let finished = false;
    void done.then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(5 + 2); // time to first token, then the first word's pause
    expect(finished).toBe(false);
    await vi.runAllTimersAsync();
    const deltas = (await done).flatMap((p) => (p.type === "text-delta" ? [p.delta] : []));
    expect(deltas.join("")).toBe(summary);
  });
});
