// A tool's answer as the AI SDK hands it around (a model-output part, or the MCP
// CallToolResult itself), reduced to the JSON the tool meant. Used by the
// orchestrator to act on tool outcomes and by the local model to read them.

function parseMaybeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Unwraps an MCP CallToolResult (or any tool output) to its JSON payload. */
export function unwrapToolOutput(output: any): { value: any; isError: boolean } {
  if (!output) return { value: null, isError: false };
  let v = output;
  let isError = false;
  if (v.type === "json" || v.type === "error-json") {
    isError = v.type === "error-json";
    v = v.value;
  } else if (v.type === "text" || v.type === "error-text") {
    return { value: parseMaybeJson(v.value), isError: v.type === "error-text" };
  } else if (v.type === "content") {
    const text = (v.value as any[]).filter((p) => p.type === "text").map((p) => p.text).join("");
    return { value: parseMaybeJson(text), isError };
  }
  // An MCP CallToolResult: prefer structured content, else the text content.
  if (v && typeof v === "object" && ("content" in v || "structuredContent" in v)) {
    isError = isError || Boolean(v.isError);
    if (v.structuredContent) return { value: v.structuredContent, isError };
    const text = (v.content as any[] | undefined)?.filter((p) => p.type === "text").map((p) => p.text).join("") ?? "";
    return { value: parseMaybeJson(text), isError };
  }
  return { value: v, isError };
}
