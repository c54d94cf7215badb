import { createHash, timingSafeEqual } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { verifyCustomerToken } from "@/lib/auth/customer-token";
import { clockFromEnv } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import type { ToolContext } from "@/lib/tools/context";
import { isToolServerName, toolServers, type ToolServerName } from "@/lib/tools/registry";
import { loadWorld } from "@/lib/world/fixture";

// The business MCP servers over Streamable HTTP, for outside MCP clients and for workers
// configured with MCP_<SERVER>_URL. Two credentials: the service token says the caller
// may use the tools at all; the customer token says whose account they act on (the only
// source of the customer's identity, exactly as in process).

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ server: string }> };

const ID_HEADER = /^[\w.:-]{1,128}$/;

function jsonError(status: number, error: string, message: string, headers?: HeadersInit): Response {
  return Response.json({ error, message }, { status, headers });
}

/** Constant-time comparison (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

type Authorized = { server: ToolServerName; ctx: Omit<ToolContext, "db" | "clock"> };

async function authorize(req: Request, { params }: RouteContext): Promise<Authorized | Response> {
  const serviceToken = process.env.MCP_SERVICE_TOKEN;
  if (!serviceToken) return jsonError(503, "mcp_disabled", "MCP over HTTP is disabled: set MCP_SERVICE_TOKEN");
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!bearer || !sameSecret(bearer, serviceToken)) {
    return jsonError(401, "unauthorized", "A valid service token is required (Authorization: Bearer ...)", { "WWW-Authenticate": "Bearer" });
  }
  const { server } = await params;
  if (!isToolServerName(server)) return jsonError(404, "unknown_server", `No MCP server named ${server}`);
  const identity = verifyCustomerToken(req.headers.get("x-customer-token"));
  if (!identity.ok) return jsonError(401, `customer_token_${identity.error}`, "A valid x-customer-token header is required");
  const runId = req.headers.get("x-switchboard-run-id");
  const taskId = req.headers.get("x-switchboard-task-id");
  if ((runId && !ID_HEADER.test(runId)) || (taskId && !ID_HEADER.test(taskId))) {
    return jsonError(400, "invalid_input", "Malformed run or task id header");
  }
  return { server, ctx: { customerId: identity.customerId, runId: runId ?? undefined, taskId: taskId ?? undefined } };
}

async function handle(req: Request, route: RouteContext): Promise<Response> {
  const auth = await authorize(req, route);
  if (auth instanceof Response) return auth;
  // Stateless: no sessions to resume or delete, and no server-initiated messages, so
  // the standalone GET stream and DELETE have nothing to offer (the spec's 405).
  if (req.method !== "POST") return jsonError(405, "method_not_allowed", "This MCP endpoint is stateless: use POST", { Allow: "POST" });

  const ctx: ToolContext = { db: getDb(), clock: clockFromEnv(loadWorld().asOf), ...auth.ctx };
  const server = toolServers[auth.server](ctx);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    // With JSON responses the body is complete when this resolves, so closing is safe.
    return await transport.handleRequest(req);
  } finally {
    await server.close();
  }
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
