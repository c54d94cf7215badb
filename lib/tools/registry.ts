import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { billingTools, createBillingServer } from "./billing/server";
import type { ToolContext } from "./context";
import { createCrmServer, crmTools } from "./crm/server";
import type { AnyToolDefinition, ToolServerOptions } from "./define";
import { createNetworkServer, networkTools } from "./network/server";

/** Every business system's MCP server, created per authenticated customer. */
export const toolServers = {
  billing: createBillingServer,
  network: createNetworkServer,
  crm: createCrmServer,
} satisfies Record<string, (ctx: ToolContext, opts?: ToolServerOptions) => McpServer>;

export type ToolServerName = keyof typeof toolServers;

export function isToolServerName(name: string): name is ToolServerName {
  return Object.prototype.hasOwnProperty.call(toolServers, name);
}

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

/**
 * The side-effecting tools a JSON-RPC message (or a batch of them) calls by name, so an
 * HTTP endpoint can refuse them before the MCP server runs (app/api/mcp refuses them
 * outside a run). Anything that is not a tools/call of one of ours is not counted.
 */
export function sideEffectCallsIn(message: unknown): string[] {
  const messages = Array.isArray(message) ? message : [message];
  return messages.flatMap((m) => {
    if (typeof m !== "object" || m === null || (m as { method?: unknown }).method !== "tools/call") return [];
    const name = ((m as { params?: unknown }).params as { name?: unknown } | undefined)?.name;
    return typeof name === "string" && sideEffectToolNames.has(name) ? [name] : [];
  });
}

const definitionsByName = new Map(Object.values(toolDefinitions).flat().map((t) => [t.name, t]));

/**
 * The progress line for a tool's answer, from the tool's own definition. A tool of
 * an outside MCP server that we do not define gets a neutral line.
 */
export function toolProgress(tool: string, result: unknown, isError: boolean): string {
  if (isError) return `${tool} failed`;
  const def = definitionsByName.get(tool);
  if (!def || result === null || typeof result !== "object") return `Used ${tool}`;
  try {
    return def.progress(result as never);
  } catch {
    return `Used ${tool}`;
  }
}
