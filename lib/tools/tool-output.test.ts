import { describe, expect, it } from "vitest";
import { toolErrorResult, toolResult } from "./define";
import { ToolError } from "./errors";
import { classifyToolErrorText, unwrapToolOutput } from "./tool-output";

// The texts McpServer (SDK 1.32) puts in a CallToolResult for calls it refuses itself.
const SDK_INVALID = "MCP error -32602: Input validation error: Invalid arguments for tool issue_credit: amountCents: Too small";
const SDK_UNKNOWN = "MCP error -32602: Tool issue_refund not found";

describe("classifyToolErrorText", () => {
  it("reads the SDK's own error texts as the tools' JSON error", () => {
    expect(classifyToolErrorText(SDK_INVALID)).toEqual({
      error: "invalid_input",
      message: "Input validation error: Invalid arguments for tool issue_credit: amountCents: Too small",
    });
    expect(classifyToolErrorText(SDK_UNKNOWN)).toEqual({ error: "unknown_tool", message: "Tool issue_refund not found" });
    expect(classifyToolErrorText("MCP error -32602: Tool issue_credit disabled").error).toBe("unknown_tool");
    expect(classifyToolErrorText("MCP error -32602: Output validation error: Tool x has an output schema but no structured content was provided").error).toBe("internal");
    expect(classifyToolErrorText("socket hang up")).toEqual({ error: "internal", message: "socket hang up" });
  });
});

describe("unwrapToolOutput", () => {
  it("prefers structured content and keeps the tools' own JSON errors as they are", () => {
    expect(unwrapToolOutput(toolResult({ ok: true }))).toEqual({ value: { ok: true }, isError: false });
    const own = toolErrorResult(new ToolError("not_found", "Invoice INV-1 not found"), "get_invoice");
    expect(unwrapToolOutput(own)).toEqual({ value: { error: "not_found", message: "Invoice INV-1 not found" }, isError: true });
  });

  it("classifies an SDK error result, whichever form the AI SDK hands it in", () => {
    const raw = { content: [{ type: "text", text: SDK_UNKNOWN }], isError: true };
    const expected = { value: { error: "unknown_tool", message: "Tool issue_refund not found" }, isError: true };
    expect(unwrapToolOutput(raw)).toEqual(expected);
    expect(unwrapToolOutput({ type: "error-text", value: SDK_UNKNOWN })).toEqual(expected);
    // @ai-sdk/mcp's model output keeps the content but drops isError: the SDK's prefix still tells.
    expect(unwrapToolOutput({ type: "content", value: [{ type: "text", text: SDK_UNKNOWN }] })).toEqual(expected);
    expect(unwrapToolOutput({ type: "content", value: [{ type: "text", text: SDK_INVALID }] }).value.error).toBe("invalid_input");
  });

  it("leaves plain text that is not an error alone", () => {
    expect(unwrapToolOutput({ type: "text", value: "hello" })).toEqual({ value: "hello", isError: false });
    expect(unwrapToolOutput({ type: "content", value: [{ type: "text", text: '{"a":1}' }] })).toEqual({ value: { a: 1 }, isError: false });
    expect(unwrapToolOutput(null)).toEqual({ value: null, isError: false });
  });
});
