import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { connectWorkerTools, externalMcpFromEnv } from "./mcp-client";
import { testContext } from "./test-helpers";

const db = useTestDb();
let closers: Array<() => Promise<void>> = [];

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

describe("connectWorkerTools", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await Promise.all(closers.map((c) => c()));
    closers = [];
  });

  it("gives each worker exactly its server's tools, in process", async () => {
    const names: Record<string, string[]> = {};
    for (const server of ["billing", "network", "crm"] as const) {
      const { tools, close } = await connectWorkerTools({ server, ctx: testContext(db, "C-1001"), env: {} });
      closers.push(close);
      names[server] = Object.keys(tools).sort();
    }
    expect(names).toEqual({
      billing: ["find_discrepancies", "get_billing_overview", "get_invoice", "issue_credit"],
      network: ["check_outage", "dispatch_technician", "remote_reset", "run_line_test"],
      crm: ["change_plan", "get_profile", "list_plans", "quote_plan_change"],
    });
  });

  it("feeds generateText: the model calls a tool and reads its JSON result", async () => {
    const { tools, close } = await connectWorkerTools({ server: "billing", ctx: testContext(db, "C-1009", { runId: "run-x", taskId: "t1" }), env: {} });
    closers.push(close);
    let seenToolResult = "";
    const model = new MockLanguageModelV4({
      doGenerate: async (opts) => {
        const toolMsg = opts.prompt.find((m) => m.role === "tool");
        if (!toolMsg) {
          return {
            content: [{ type: "tool-call", toolCallId: "c1", toolName: "find_discrepancies", input: JSON.stringify({}) }],
            finishReason: { unified: "tool-calls", raw: "tool_calls" },
            usage,
            warnings: [],
          };
        }
        seenToolResult = JSON.stringify(toolMsg.content);
        return { content: [{ type: "text", text: "done" }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
      },
    });
    const result = await generateText({ model, tools, prompt: "Why is my bill higher?", stopWhen: stepCountIs(3) });
    expect(result.text).toBe("done");
    expect(seenToolResult).toContain("plan_price_mismatch");
    expect(seenToolResult).toContain("1500");
  });

  it("reads an external server's URL and token from the environment", () => {
    expect(externalMcpFromEnv("billing", {})).toBeUndefined();
    expect(externalMcpFromEnv("network", { MCP_NETWORK_URL: "https://mcp.example/network", MCP_NETWORK_TOKEN: "s3cret" })).toEqual({
      url: "https://mcp.example/network",
      headers: { Authorization: "Bearer s3cret" },
    });
  });
});
