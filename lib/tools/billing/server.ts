import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "../context";
import { createToolServer, type ToolServerOptions } from "../define";
import { findDiscrepanciesTool } from "./find-discrepancies";
import { getBillingOverview } from "./get-billing-overview";
import { getInvoice } from "./get-invoice";
import { issueCredit } from "./issue-credit";

export const billingTools = [getBillingOverview, getInvoice, findDiscrepanciesTool, issueCredit];

/** The billing system's MCP server, bound to one authenticated customer. */
export function createBillingServer(ctx: ToolContext, opts: ToolServerOptions = {}): McpServer {
  return createToolServer("switchboard-billing", ctx, billingTools, opts);
}
