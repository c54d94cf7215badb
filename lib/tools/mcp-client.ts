import { createMCPClient, type MCPTransport } from "@ai-sdk/mcp";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { issueCustomerToken } from "../tokens/customer-token";
import type { ToolContext } from "./context";
import { toolServers, type ToolServerName } from "./registry";

export interface ExternalMcpServer {
  url: string;
  headers?: Record<string, string>;
}

/**
 * A company's own MCP server for `server`, from MCP_<SERVER>_URL (and MCP_<SERVER>_TOKEN,
 * sent as a bearer token); undefined means the in-process server.
 */
export function externalMcpFromEnv(server: ToolServerName, env: Record<string, string | undefined> = process.env): ExternalMcpServer | undefined {
  const prefix = `MCP_${server.toUpperCase()}`;
  const url = env[`${prefix}_URL`];
  if (!url) return undefined;
  const token = env[`${prefix}_TOKEN`];
  return { url, headers: token ? { Authorization: `Bearer ${token}` } : {} };
}

/**
 * The header that tells an HTTP MCP server who the customer is: a short-lived signed
 * customer token which, inside a run, also names the run and task the calls belong to
 * (for idempotency keys). Signed claims, never plain headers: a caller could set a
 * header to another customer's run.
 */
async function identityHeaders(ctx: ToolContext): Promise<Record<string, string>> {
  const lease = ctx.lease ? { owner: ctx.lease.owner, epoch: ctx.lease.epoch, ...(ctx.lease.reviewId ? { reviewId: ctx.lease.reviewId } : {}) } : undefined;
  const scope = ctx.runId ? { runId: ctx.runId, taskId: ctx.taskId ?? "-", ...(lease ? { lease } : {}) } : undefined;
  return { "x-customer-token": await issueCustomerToken(ctx.customerId, { ttlSeconds: 600, now: new Date(), scope }) };
}

export type WorkerTools = Awaited<ReturnType<Awaited<ReturnType<typeof createMCPClient>>["tools"]>>;

/**
 * Connects a worker to its MCP server and returns AI SDK tools for `generateText({ tools })`.
 * In process by default (a linked in-memory transport to the server built for `ctx`);
 * over Streamable HTTP when `external` is given or configured in the environment.
 * Always call `close`.
 */
export async function connectWorkerTools(opts: {
  server: ToolServerName;
  ctx: ToolContext;
  external?: ExternalMcpServer;
  env?: Record<string, string | undefined>;
}): Promise<{ tools: WorkerTools; close: () => Promise<void> }> {
  const external = opts.external ?? externalMcpFromEnv(opts.server, opts.env);
  if (external) {
    const client = await createMCPClient({
      transport: { type: "http", url: external.url, headers: { ...(await identityHeaders(opts.ctx)), ...external.headers } },
      clientName: `switchboard-${opts.server}-worker`,
    });
    try {
      return { tools: await client.tools(), close: () => client.close() };
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  const mcpServer = toolServers[opts.server](opts.ctx);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await mcpServer.connect(serverTransport);
  const client = await createMCPClient({ transport: clientTransport as MCPTransport, clientName: `switchboard-${opts.server}-worker` });
  const close = async () => {
    await client.close();
    await mcpServer.close();
  };
  try {
    // The in-process server's tool list is this code's own and the same for every
    // context: listed once per process (each listing converts every zod schema to JSON
    // Schema on the server and validates the answer on the client), then reused. The
    // calls still go through this attempt's own server, bound to its context.
    let definitions = inProcessDefinitions.get(opts.server);
    if (!definitions) {
      definitions = await client.listTools();
      if (!definitions.nextCursor) inProcessDefinitions.set(opts.server, definitions);
      else return { tools: await client.tools(), close };
    }
    return { tools: client.toolsFromDefinitions(definitions), close };
  } catch (err) {
    await close();
    throw err;
  }
}

type ToolDefinitions = Awaited<ReturnType<Awaited<ReturnType<typeof createMCPClient>>["listTools"]>>;
const inProcessDefinitions = new Map<ToolServerName, ToolDefinitions>();
