import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "../context";
import { createToolServer, type ToolServerOptions } from "../define";
import { changePlan } from "./change-plan";
import { getProfile } from "./get-profile";
import { listPlans } from "./list-plans";
import { quotePlanChangeTool } from "./quote-plan-change";

export const crmTools = [getProfile, listPlans, quotePlanChangeTool, changePlan];

/** The CRM's MCP server, bound to one authenticated customer. */
export function createCrmServer(ctx: ToolContext, opts: ToolServerOptions = {}): McpServer {
  return createToolServer("switchboard-crm", ctx, crmTools, opts);
}
