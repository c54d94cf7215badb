import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { fixedClock } from "../clock";
import type { Db } from "../db/client";
import type { ToolContext } from "./context";
import { toolServers, type ToolServerName } from "./registry";

// Test-only: a real MCP client over an in-memory transport to a server for one customer.

const AS_OF = "2026-11-15";

export function testContext(db: Db, customerId: string, extra: Partial<ToolContext> = {}): ToolContext {
  return { db, clock: fixedClock(AS_OF), customerId, ...extra };
}

export interface ToolCallOutcome {
  isError: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  structured: unknown;
}

export async function connectTestClient(server: ToolServerName, ctx: ToolContext) {
  const mcp = toolServers[server](ctx);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await mcp.connect(serverTransport);
  const client = new Client({ name: "switchboard-test", version: "1.0.0" });
  await client.connect(clientTransport);
  return {
    client,
    async call(name: string, args: Record<string, unknown> = {}): Promise<ToolCallOutcome> {
      const res = await client.callTool({ name, arguments: args });
      const text = (res.content as Array<{ type: string; text?: string }>).find((c) => c.type === "text")?.text ?? "null";
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
      return { isError: res.isError === true, data, structured: res.structuredContent };
    },
    async close() {
      await client.close();
      await mcp.close();
    },
  };
}
