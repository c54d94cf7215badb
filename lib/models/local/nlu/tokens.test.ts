import type { LanguageModelV4CallOptions, LanguageModelV4Prompt, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { LocalLanguageModel } from "../local-model";
import { countPromptTokens, countTokens, TOKENS_PER_MESSAGE } from "./index";

describe("token counting (o200k_base)", () => {
  it("counts tokens of plain text", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("Hello, world!")).toBe(4);
    expect(countTokens("My internet is down.")).toBeGreaterThan(3);
    // special-token strings in user text are counted as text, not rejected
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("counts an AI SDK prompt: every text plus 4 tokens per message", () => {
    const sys = "You are the billing worker.";
    const user = "Refund the late fee.";
    const input = { customerId: "C-1001", cents: 3000 };
    const output = { ok: true, creditId: "CR-1" };
    const prompt = [
      { role: "system" as const, content: sys },
      { role: "user" as const, content: [{ type: "text" as const, text: user }] },
      { role: "assistant" as const, content: [{ type: "tool-call" as const, toolCallId: "t1", toolName: "issue_credit", input }] },
      {
        role: "tool" as const,
        content: [{ type: "tool-result" as const, toolCallId: "t1", toolName: "issue_credit", output: { type: "json" as const, value: output } }],
      },
      { role: "assistant" as const, content: [{ type: "text" as const, text: "Done." }] },
    ];
    const expected =
      5 * TOKENS_PER_MESSAGE +
      countTokens(sys) +
      countTokens(user) +
      countTokens(`issue_credit ${JSON.stringify(input)}`) +
      countTokens(`issue_credit ${JSON.stringify(output)}`) +
      countTokens("Done.");
    expect(countPromptTokens(prompt)).toBe(expected);
    expect(countPromptTokens([])).toBe(0);
    const textOut = [{ role: "tool", content: [{ type: "tool-result", toolCallId: "x", toolName: "t", output: { type: "text", value: "hello" } }] }];
    expect(countPromptTokens(textOut)).toBe(TOKENS_PER_MESSAGE + countTokens("t hello"));
  });
});

describe("the local model's usage", () => {
  const prompt: LanguageModelV4Prompt = [
    { role: "system", content: "You are the billing worker." },
    { role: "user", content: [{ type: "text", text: "Why is there a late fee on my bill?" }] },
    { role: "assistant", content: [{ type: "tool-call", toolCallId: "t1", toolName: "get_invoice", input: { invoiceId: "INV-1001-2611" } }] },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "t1", toolName: "get_invoice", output: { type: "json", value: { lateFeeCents: 3000 } } }],
    },
  ];
  const tools: LanguageModelV4CallOptions["tools"] = [
    { type: "function", name: "get_invoice", description: "One invoice", inputSchema: { type: "object", properties: { invoiceId: { type: "string" } } } },
  ];
  const model = new LocalLanguageModel({ role: "billing", brain: () => ({ kind: "text", text: "The fee was a mistake." }) });

  it("reports countPromptTokens of the same call as its input tokens, generating or streaming", async () => {
    const expected = countPromptTokens(prompt, tools);
    expect(expected).toBeGreaterThan(countPromptTokens(prompt)); // the tool definitions count

    const generated = await model.doGenerate({ prompt, tools });
    expect(generated.usage.inputTokens.total).toBe(expected);
    expect(generated.usage.outputTokens.total).toBe(countTokens("The fee was a mistake."));

    const { stream } = await model.doStream({ prompt, tools });
    const parts: LanguageModelV4StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const finish = parts.find((p) => p.type === "finish");
    expect(finish?.type === "finish" && finish.usage.inputTokens.total).toBe(expected);
    expect((await model.doGenerate({ prompt })).usage.inputTokens.total).toBe(countPromptTokens(prompt));
  });
});
