import { describe, expect, it, vi } from "vitest";

// The tokenizer behind a spy: how often it is really run.
const tokenizer = vi.hoisted(() => ({ calls: 0 }));
vi.mock("gpt-tokenizer/encoding/o200k_base", async (importOriginal) => {
  const real = await importOriginal<typeof import("gpt-tokenizer/encoding/o200k_base")>();
  return { ...real, countTokens: (...args: Parameters<typeof real.countTokens>) => (tokenizer.calls++, real.countTokens(...args)) };
});

const { countTokens, TOKEN_COUNT_CACHE_MAX_CHARS } = await import("./tokens");

describe("token counts by content", () => {
  it("tokenizes a text seen before only once, and gives the same count", () => {
    const schema = JSON.stringify({ type: "function", name: "issue_credit", inputSchema: { type: "object", properties: { invoiceId: { type: "string" } } } });
    const before = tokenizer.calls;
    const first = countTokens(schema);
    const again = countTokens(schema);
    expect(again).toBe(first);
    expect(tokenizer.calls - before).toBe(1);
  });

  it("keeps only a bounded amount of text: the oldest is tokenized again once the budget is spent", () => {
    const oldest = "my internet has been really slow all week ".repeat(10);
    countTokens(oldest);
    const piece = 50_000;
    // Distinct texts whose characters fill the whole budget push `oldest` out.
    for (let i = 0; i * piece <= TOKEN_COUNT_CACHE_MAX_CHARS; i++) countTokens(`${i} `.padEnd(piece, " fee"));
    const before = tokenizer.calls;
    countTokens(oldest);
    expect(tokenizer.calls - before).toBe(1);
  });
});
