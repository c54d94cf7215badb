/**
 * Realistic token accounting for the local model: gpt-tokenizer's o200k_base
 * encoding (the GPT-4o / GPT-5 family). The encoding module is imported directly
 * (not the package root, which would also load model metadata) to keep start-up
 * fast; gpt-tokenizer is in next.config's serverExternalPackages, so the Next
 * server loads it from node_modules like tsx / vitest do.
 */
import { LRUCache } from "lru-cache";
import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { countTokens as o200kCount } from "gpt-tokenizer/encoding/o200k_base";

/** Special-token strings in user text ("<|endoftext|>") are counted as plain text, never rejected. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens per message for role / separators, as in OpenAI's chat accounting. */
export const TOKENS_PER_MESSAGE = 4;

/**
 * Counts of recent texts, by content. A role's system text and tool schemas are the
 * same on every call, and each tool result is sent again to every later step of its
 * worker: in a 3-worker run more than half of the prompt text had been counted
 * before. An LRU bounded by the characters of its keys (customers' words pass
 * through here too, so it must not keep every text of the process's life).
 */
export const TOKEN_COUNT_CACHE_MAX_CHARS = 2_000_000;
// Sized by the texts' lengths; a text longer than a tenth of the budget is not kept.
const countCache = new LRUCache<string, number>({
  maxSize: TOKEN_COUNT_CACHE_MAX_CHARS,
  maxEntrySize: TOKEN_COUNT_CACHE_MAX_CHARS / 10,
  sizeCalculation: (_n, text) => Math.max(1, text.length),
});

/** Number of o200k_base tokens of a text. */
export function countTokens(text: string): number {
  if (!text) return 0;
  const hit = countCache.get(text);
  if (hit !== undefined) return hit;
  const n = o200kCount(text, PLAIN_TEXT);
  countCache.set(text, n);
  return n;
}

function jsonText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return String(value);
  }
}

type LooseMessage = { role: string; content: unknown };

function partText(part: unknown): string {
  if (typeof part === "string") return part;
  if (!part || typeof part !== "object") return "";
  const p = part as Record<string, unknown>;
  switch (p.type) {
    case "text":
    case "reasoning":
      return typeof p.text === "string" ? p.text : "";
    case "tool-call":
      return `${typeof p.toolName === "string" ? p.toolName : ""} ${jsonText(p.input)}`.trim();
    case "tool-result": {
      const name = typeof p.toolName === "string" ? p.toolName : "";
      const out = p.output as Record<string, unknown> | undefined;
      let body = "";
      if (out && typeof out === "object") {
        if (out.type === "text" || out.type === "error-text") body = typeof out.value === "string" ? out.value : "";
        else if (out.type === "json" || out.type === "error-json") body = jsonText(out.value);
        else if (out.type === "execution-denied") body = typeof out.reason === "string" ? out.reason : "";
        else if (out.type === "content" && Array.isArray(out.value)) body = out.value.map(partText).join("\n");
      } else if (out !== undefined) body = jsonText(out);
      return `${name} ${body}`.trim();
    }
    case "tool-approval-response":
      return typeof p.reason === "string" ? p.reason : "";
    case "file":
      // inline text files count; binary media is not text
      return typeof p.data === "string" && typeof p.mediaType === "string" && p.mediaType.startsWith("text/") ? p.data : "";
    default:
      return "";
  }
}

/**
 * Input tokens of an AI SDK LanguageModelV4 call: the tokens of every text the
 * prompt contains (system text, text and reasoning parts, tool-call inputs,
 * tool-result outputs) plus TOKENS_PER_MESSAGE per message, plus the tokens of each
 * tool definition offered (a hosted model is billed for those as input too). The
 * local model reports exactly this as its usage, so it is the one count to use.
 */
export function countPromptTokens(prompt: LanguageModelV4Prompt | readonly LooseMessage[], tools: readonly unknown[] = []): number {
  let total = 0;
  for (const message of prompt as readonly LooseMessage[]) {
    total += TOKENS_PER_MESSAGE;
    const content = message.content;
    if (typeof content === "string") total += countTokens(content);
    else if (Array.isArray(content)) for (const part of content) total += countTokens(partText(part));
  }
  for (const tool of tools) total += countTokens(jsonText(tool));
  return total;
}
