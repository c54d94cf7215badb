import { describe, expect, it } from "vitest";
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
