import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { billingTools, createBillingServer } from "./billing/server";
import type { ToolContext } from "./context";
import { createCrmServer, crmTools } from "./crm/server";
import type { AnyToolDefinition } from "./define";
import { createNetworkServer, networkTools } from "./network/server";

/** Every business system's MCP server, created per authenticated customer. */
export const toolServers = {
  billing: createBillingServer,
  network: createNetworkServer,
  crm: createCrmServer,
} satisfies Record<string, (ctx: ToolContext) => McpServer>;

export type ToolServerName = keyof typeof toolServers;

export const toolServerNames = Object.keys(toolServers) as ToolServerName[];

export function isToolServerName(name: string): name is ToolServerName {
  return Object.prototype.hasOwnProperty.call(toolServers, name);
}

/** Which server each worker uses, and no other. */
export const workerToolServers = {
  billing: "billing",
  tech_support: "network",
  account: "crm",
} as const satisfies Record<string, ToolServerName>;

/** The tool definitions behind each server (names, schemas, which have side effects). */
export const toolDefinitions: Record<ToolServerName, AnyToolDefinition[]> = {
  billing: billingTools,
  network: networkTools,
  crm: crmTools,
};

/** Names of the tools that change something (credits, plan changes, resets, dispatches). */
export const sideEffectToolNames = new Set(
  Object.values(toolDefinitions)
    .flat()
    .filter((t) => t.sideEffect)
    .map((t) => t.name),
);
