import { createHash, timingSafeEqual } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { verifyCustomerToken } from "@/lib/tokens/customer-token";
import { clockFromEnv } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { isActiveRunTask } from "@/lib/db/queries/runs";
import { ApiError, withApiErrors } from "@/lib/http/errors";
import { abuseLimits, hitLimits, rateLimited } from "@/lib/http/rate-limits";
import { requireJsonContentType, requireTrustedOrigin } from "@/lib/http/request-guard";
import type { ToolContext } from "@/lib/tools/context";
import { isToolServerName, sideEffectCallsIn, toolServers, type ToolServerName } from "@/lib/tools/registry";
import { loadWorld } from "@/lib/world/fixture";

// The business MCP servers over Streamable HTTP, for outside MCP clients and for workers
// configured with MCP_<SERVER>_URL. Two credentials: the service token says the caller
// may use the tools at all; the customer token says whose account they act on (the only
// source of the customer's identity, exactly as in process).
//
// A side effect happens only inside a run (see authorize and refuseSideEffectsOutsideRun):
// outside one, the tools that act are not served, so nothing changes the world without
// the run that audits it.
//
// Two kinds of error: HTTP-level ones (credentials, unknown server, method, headers)
// answer in the app's one error shape (lib/http/errors); everything inside the
// JSON-RPC exchange, tool errors included, is answered by the MCP SDK in the protocol's
// own format, which is what MCP clients parse.

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ server: string }> };

// Once sent by Switchboard's own MCP client; a caller could set them to any run.
const UNTRUSTED_RUN_HEADERS = ["x-switchboard-run-id", "x-switchboard-task-id"];

/** Constant-time comparison (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

type Authorized = { server: ToolServerName; ctx: Omit<ToolContext, "db" | "clock"> };

/** The caller's server and identity; throws an ApiError when the request may not proceed. */
async function authorize(req: Request, { params }: RouteContext): Promise<Authorized> {
  const serviceToken = process.env.MCP_SERVICE_TOKEN;
  if (!serviceToken) throw new ApiError("unavailable:mcp", "MCP over HTTP is disabled: set MCP_SERVICE_TOKEN");
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!bearer || !sameSecret(bearer, serviceToken)) {
    throw new ApiError("unauthorized:mcp", "A valid service token is required (Authorization: Bearer ...)", {
      details: { reason: "service_token" },
      headers: { "www-authenticate": "Bearer" },
    });
  }
  const { server } = await params;
  if (!isToolServerName(server)) throw new ApiError("not_found:mcp", `No MCP server named ${server}`);
  const identity = await verifyCustomerToken(req.headers.get("x-customer-token"));
  if (!identity.ok) {
    throw new ApiError("unauthorized:mcp", "A valid x-customer-token header is required", {
      details: { reason: `customer_token_${identity.error}` },
    });
  }
  // The run a call belongs to (its side effects' idempotency keys and ledger rows) comes
  // from the signed customer token, and only when our own records agree: the run is
  // this customer's, running, and this task of it has a worker at work. Never from a
  // header a caller chooses.
  const sent = UNTRUSTED_RUN_HEADERS.filter((h) => req.headers.has(h));
  if (sent.length) {
    throw new ApiError("bad_request:mcp", `${sent.join(" and ")} is not accepted: the run comes from the signed x-customer-token.`, {
      details: { reason: "run_header_not_accepted" },
    });
  }
  if (!identity.scope) return { server, ctx: { customerId: identity.customerId } };
  const { runId, taskId, lease } = identity.scope;
  if (!(await isActiveRunTask({ db: getDb(), runId, taskId, customerId: identity.customerId }))) {
    throw new ApiError("forbidden:mcp", "The token's run is not this customer's run at work.", { details: { reason: "run_not_active" } });
  }
  // The executor's lease travels in the signed token: effects are fenced as in process.
  return { server, ctx: { customerId: identity.customerId, runId, taskId, ...(lease ? { lease: { runId, ...lease } } : {}) } };
}

/** 403 forbidden:mcp (run_required) when the JSON-RPC body calls a tool that changes the account. */
async function refuseSideEffectsOutsideRun(req: Request): Promise<void> {
  const body: unknown = await req
    .clone()
    .json()
    .catch(() => null); // not JSON: the transport answers that in the protocol's own format
  const acting = sideEffectCallsIn(body);
  if (acting.length === 0) return;
  throw new ApiError(
    "forbidden:mcp",
    `${acting.join(", ")} changes the account: over HTTP that is accepted only inside a Switchboard run (an x-customer-token that names the customer's run at work). Outside a run only the read-only tools answer.`,
    { details: { reason: "run_required", tools: acting } },
  );
}

async function handle(req: Request, route: RouteContext): Promise<Response> {
  const auth = await authorize(req, route);
  // Stateless: no sessions to resume or delete, and no server-initiated messages, so
  // the standalone GET stream and DELETE have nothing to offer (the spec's 405).
  if (req.method !== "POST") {
    throw new ApiError("method_not_allowed:mcp", "This MCP endpoint is stateless: use POST", { headers: { allow: "POST" } });
  }
  // The state-changing request guard (lib/http/request-guard): the service token is the
  // Bearer, and JSON-RPC over Streamable HTTP is always application/json. The transport
  // reads the body itself, so only the headers are checked here.
  requireTrustedOrigin(req, { surface: "mcp", bearer: true });
  requireJsonContentType(req, "mcp");
  const limited = await hitLimits(getDb(), [{ which: "mcp_per_customer", key: `mcp:customer:${auth.ctx.customerId}`, limit: abuseLimits().mcpPerCustomer }]);
  if (!limited.ok) throw rateLimited("mcp", limited, "Too many MCP requests for this customer.");

  // Outside a run, nothing changes: a side effect belongs to a run, whose events put it
  // on the audit log (who asked, the tool call, the result). A caller with the service
  // token and a plain customer token gets the read-only tools only, and a call to one
  // that acts is refused here with a reason, before the MCP server sees it.
  const outsideRun = !auth.ctx.runId;
  if (outsideRun) await refuseSideEffectsOutsideRun(req);
  const ctx: ToolContext = { db: getDb(), clock: clockFromEnv(loadWorld().asOf), ...auth.ctx };
  const server = toolServers[auth.server](ctx, { readOnly: outsideRun });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    // With JSON responses the body is complete when this resolves, so closing is safe.
    return await transport.handleRequest(req);
  } finally {
    await server.close();
  }
}

export const POST = withApiErrors("mcp", handle);
export const GET = withApiErrors("mcp", handle);
export const DELETE = withApiErrors("mcp", handle);
