import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { unwrapToolOutput } from "../../tools/tool-output";

// Reading an AI SDK prompt the way a model would: the system text, the user's
// words, and the tool calls already made with their results.

export interface SeenToolResult {
  toolName: string;
  toolCallId: string;
  /** The tool's JSON answer (MCP structured content or parsed text), or null. */
  value: any;
  isError: boolean;
}

export function systemText(prompt: LanguageModelV4Prompt): string {
  return prompt.filter((m) => m.role === "system").map((m) => m.content as string).join("\n");
}

/** The text of the last user message. */
export function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i];
    if (m.role === "user") {
      return m.content.map((p) => (p.type === "text" ? p.text : "")).join("\n").trim();
    }
  }
  return "";
}

/** Every tool result in the conversation so far, oldest first. */
export function toolResults(prompt: LanguageModelV4Prompt): SeenToolResult[] {
  const out: SeenToolResult[] = [];
  for (const m of prompt) {
    if (m.role !== "tool" && m.role !== "assistant") continue;
    for (const p of m.content as any[]) {
      if (p.type !== "tool-result") continue;
      const { value, isError } = unwrapToolOutput(p.output);
      out.push({ toolName: p.toolName, toolCallId: p.toolCallId, value, isError });
    }
  }
  return out;
}
