import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "../context";
import { createToolServer, type ToolServerOptions } from "../define";
import { checkOutage } from "./check-outage";
import { dispatchTechnician } from "./dispatch-technician";
import { remoteReset } from "./remote-reset";
import { runLineTest } from "./run-line-test";

export const networkTools = [runLineTest, checkOutage, remoteReset, dispatchTechnician];

/** The network system's MCP server, bound to one authenticated customer. */
export function createNetworkServer(ctx: ToolContext, opts: ToolServerOptions = {}): McpServer {
  return createToolServer("switchboard-network", ctx, networkTools, opts);
}
