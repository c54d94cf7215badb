// A tool's answer as the AI SDK hands it around (a model-output part, or the MCP
// CallToolResult itself), reduced to the JSON the tool meant. Used by the
// orchestrator to act on tool outcomes and by the local model to read them.

/** The JSON error every tool error is read as: the tools' own, or the MCP SDK's classified. */
export type ToolErrorJson = { error: string; message: string };

// The MCP SDK (1.32) answers a call it refuses before our handler runs (arguments
// that fail the input schema, an unknown or disabled tool) with a CallToolResult
// whose only text is the McpError's message, e.g.
//   "MCP error -32602: Input validation error: Invalid arguments for tool issue_credit: ..."
//   "MCP error -32602: Tool issue_refund not found"
// Our own tools always answer JSON (lib/tools/define.ts), so a non-JSON error text is
// the SDK's, and it is classified here rather than by patching the SDK's private
// createToolError. Outside MCP clients over HTTP see the SDK's text as it is: that is
// the protocol's own answer, and honest about who produced it.
const SDK_ERROR_PREFIX = /^MCP error -?\d+:\s*/;

/** Classifies an MCP SDK error text into the tools' JSON error shape. */
export function classifyToolErrorText(text: string): ToolErrorJson {
  const message = text.replace(SDK_ERROR_PREFIX, "").trim();
  if (/Input validation error|Invalid arguments for tool/i.test(message)) return { error: "invalid_input", message };
  if (/^Tool \S+ (not found|disabled)/i.test(message)) return { error: "unknown_tool", message };
  return { error: "internal", message };
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A text answer: its JSON, or, for a text that is not JSON and is an error (flagged,
 * or carrying the SDK's "MCP error" prefix, which survives where the AI SDK's model
 * output drops isError), the classified error.
 */
function fromText(text: string, isError: boolean): { value: any; isError: boolean } {
  const value = parseMaybeJson(text);
  if (typeof value === "string" && (isError || SDK_ERROR_PREFIX.test(value))) return { value: classifyToolErrorText(value), isError: true };
  return { value, isError };
}

const textOf = (parts: any[] | undefined) => parts?.filter((p) => p.type === "text").map((p) => p.text).join("") ?? "";

/** Unwraps an MCP CallToolResult (or any tool output) to its JSON payload. */
export function unwrapToolOutput(output: any): { value: any; isError: boolean } {
  if (!output) return { value: null, isError: false };
  let v = output;
  let isError = false;
  if (v.type === "json" || v.type === "error-json") {
    isError = v.type === "error-json";
    v = v.value;
  } else if (v.type === "text" || v.type === "error-text") {
    return fromText(v.value, v.type === "error-text");
  } else if (v.type === "content") {
    return fromText(textOf(v.value), isError);
  }
  // An MCP CallToolResult: prefer structured content, else the text content.
  if (v && typeof v === "object" && ("content" in v || "structuredContent" in v)) {
    isError = isError || Boolean(v.isError);
    if (v.structuredContent) return { value: v.structuredContent, isError };
    return fromText(textOf(v.content), isError);
  }
  return { value: v, isError };
}
