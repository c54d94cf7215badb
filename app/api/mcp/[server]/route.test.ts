import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { getDb } from "@/lib/db/client";
import { createRun, startInvocation } from "@/lib/orchestrator/store";
import { connectWorkerTools } from "@/lib/tools/mcp-client";
import { claimForTest, inject, resetTestWorld, useTestDb } from "@/test/db";
import { DELETE, GET, POST } from "./route";

vi.mock("server-only", () => ({}));

const db = useTestDb();
const SERVICE = "test-service-token-0123456789";

function route(server: string) {
  return { params: Promise.resolve({ server }) };
}

function rpcRequest(server: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`http://localhost/api/mcp/${server}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18", ...headers },
    body: JSON.stringify(body),
  });
}

const auth = async (customerId = "C-1001", scope?: { runId: string; taskId: string }) => ({
  authorization: `Bearer ${SERVICE}`,
  "x-customer-token": await issueCustomerToken(customerId, { scope }),
});

/** A run of `customerId` at work, with task t1's worker attempt running: what a worker's MCP calls belong to. */
async function activeTask(customerId: string, worker: "billing" | "tech_support" = "billing") {
  const { run } = await createRun(db, { customerId, message: "check my bill" });
  await startInvocation(db, { lease: await claimForTest(db, run.id), task: { id: "t1", worker, instruction: "check the bill" }, attempt: 1 });
  return { runId: run.id, taskId: "t1" };
}
const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "route-test", version: "1" } },
};

describe("MCP over Streamable HTTP", () => {
  beforeAll(() => {
    process.env.DATABASE_URL = inject("databaseUrl");
  });
  afterAll(() => getDb().$disconnect());
  beforeEach(async () => {
    process.env.MCP_SERVICE_TOKEN = SERVICE;
    await resetTestWorld(db);
  });
  afterEach(() => {
    delete process.env.MCP_SERVICE_TOKEN;
  });

  it("initializes, lists and calls tools for the customer of the token (outside a run: the read-only ones)", async () => {
    const init = await POST(rpcRequest("billing", initialize, await auth()), route("billing"));
    expect(init.status).toBe(200);
    expect((await init.json()).result.serverInfo.name).toBe("switchboard-billing");

    const list = await POST(rpcRequest("billing", { jsonrpc: "2.0", id: 2, method: "tools/list" }, await auth()), route("billing"));
    const names = (await list.json()).result.tools.map((t: { name: string }) => t.name);
    expect(names.sort()).toEqual(["find_discrepancies", "get_billing_overview", "get_invoice"]);
    const inRun = await POST(rpcRequest("billing", { jsonrpc: "2.0", id: 2, method: "tools/list" }, await auth("C-1001", await activeTask("C-1001"))), route("billing"));
    expect((await inRun.json()).result.tools.map((t: { name: string }) => t.name)).toContain("issue_credit");

    const call = await POST(
      rpcRequest("billing", { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "find_discrepancies", arguments: {} } }, await auth()),
      route("billing"),
    );
    const result = (await call.json()).result;
    expect(result.structuredContent.discrepancies).toEqual([expect.objectContaining({ invoiceId: "INV-1001-2611", amountCents: 3000 })]);
  });

  it("refuses a side effect outside a run (403 run_required): no ledger row, no change to the world; inside the customer's run at work it applies, under that run", async () => {
    // The probe: service token + a plain customer token, change_plan with an idempotency key.
    const upgrade = { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "change_plan", arguments: { toPlanId: "fiber-500", idempotencyKey: "probe-upgrade-0001" } } };
    const world = async () => ({
      plan: (await db.customer.findUniqueOrThrow({ where: { id: "C-1009" }, select: { planId: true, dataVersion: true } })),
      planChanges: await db.planChange.count({ where: { customerId: "C-1009" } }),
      credits: await db.credit.count({ where: { customerId: "C-1009" } }),
      ledger: await db.sideEffect.count(),
      audit: await db.auditEntry.count(),
    });
    const before = await world();
    expect(before.plan.planId).toBe("fiber-300");

    const outside = await POST(rpcRequest("crm", upgrade, await auth("C-1009")), route("crm"));
    expect(outside.status).toBe(403);
    const refusal = (await outside.json()).error;
    expect(refusal).toMatchObject({ code: "forbidden:mcp", details: { reason: "run_required", tools: ["change_plan"] } });
    expect(refusal.message).toMatch(/change_plan changes the account: over HTTP that is accepted only inside a Switchboard run/);
    // A batch hiding it behind a read is refused as a whole, and so is every acting tool of every server.
    const batch = [{ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "list_plans", arguments: {} } }, upgrade];
    expect((await POST(rpcRequest("crm", batch, await auth("C-1009")), route("crm"))).status).toBe(403);
    const credit = { jsonrpc: "2.0", id: 6, method: "tools/call", params: { name: "issue_credit", arguments: { invoiceId: "INV-1009-2611", amountCents: 1500, reason: "plan price", idempotencyKey: "probe-credit-0001" } } };
    expect((await POST(rpcRequest("billing", credit, await auth("C-1009")), route("billing"))).status).toBe(403);
    for (const tool of ["remote_reset", "dispatch_technician"]) {
      const call = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: tool, arguments: { reason: "down", idempotencyKey: `probe-${tool}-01` } } };
      expect((await POST(rpcRequest("network", call, await auth("C-1009")), route("network"))).status, tool).toBe(403);
    }
    expect(await world()).toEqual(before);

    // Outside a run the acting tools are not even served: the list shows the read-only ones, which answer.
    const list = await (await POST(rpcRequest("crm", { jsonrpc: "2.0", id: 8, method: "tools/list" }, await auth("C-1009")), route("crm"))).json();
    expect(list.result.tools.map((t: { name: string }) => t.name).sort()).toEqual(["get_profile", "list_plans", "quote_plan_change"]);
    const plans = await (await POST(rpcRequest("crm", { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "list_plans", arguments: {} } }, await auth("C-1009")), route("crm"))).json();
    expect(plans.result.structuredContent.currentPlanId).toBe("fiber-300");

    // Inside the customer's own run at work (the token Switchboard's worker signs), it applies once, under that run.
    const scope = await activeTask("C-1009");
    const inRun = await auth("C-1009", scope);
    const applied = await (await POST(rpcRequest("crm", upgrade, inRun), route("crm"))).json();
    expect(applied.result.structuredContent).toMatchObject({ status: "applied", replayed: false, toPlanId: "fiber-500" });
    const replayed = await (await POST(rpcRequest("crm", upgrade, inRun), route("crm"))).json();
    expect(replayed.result.structuredContent).toMatchObject({ status: "applied", replayed: true });
    expect(await db.planChange.count({ where: { customerId: "C-1009" } })).toBe(1);
    expect(await db.sideEffect.findMany({ where: { customerId: "C-1009" }, select: { runId: true } })).toEqual([{ runId: scope.runId }]);
    expect(await db.sideEffect.count({ where: { runId: null } })).toBe(0);
  });

  it("never attributes a side effect to another customer's run: run headers are refused, a token scoped to someone else's run is 403", async () => {
    const victim = await activeTask("C-1002");
    const credit = { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "issue_credit", arguments: { invoiceId: "INV-1009-2611", amountCents: 1500, reason: "plan price" } } };

    // The old way: a plain header naming the victim's run, with the attacker's own token.
    const header = await POST(rpcRequest("billing", credit, { ...(await auth("C-1009")), "x-switchboard-run-id": victim.runId, "x-switchboard-task-id": "t1" }), route("billing"));
    expect(header.status).toBe(400);
    expect((await header.json()).error).toMatchObject({ code: "bad_request:mcp", details: { reason: "run_header_not_accepted" } });

    // A token for C-1009 that names C-1002's running run (a host backend can sign one).
    const foreign = await POST(rpcRequest("billing", credit, await auth("C-1009", victim)), route("billing"));
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error).toMatchObject({ code: "forbidden:mcp", details: { reason: "run_not_active" } });

    // The customer's own run, but finished (or a task with no worker at work): refused too.
    const own = await activeTask("C-1009");
    await db.run.update({ where: { id: own.runId }, data: { status: "completed" } });
    expect((await POST(rpcRequest("billing", credit, await auth("C-1009", own)), route("billing"))).status).toBe(403);
    const other = await activeTask("C-1009");
    expect((await POST(rpcRequest("billing", credit, await auth("C-1009", { ...other, taskId: "t9" })), route("billing"))).status).toBe(403);

    expect(await db.credit.count({ where: { customerId: "C-1009" } })).toBe(0);
    expect(await db.sideEffect.count({ where: { runId: { in: [victim.runId, own.runId, other.runId] } } })).toBe(0);
  });

  it("answers 503 when MCP_SERVICE_TOKEN is unset", async () => {
    delete process.env.MCP_SERVICE_TOKEN;
    const res = await POST(rpcRequest("billing", initialize, await auth()), route("billing"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: "unavailable:mcp", message: "MCP over HTTP is disabled: set MCP_SERVICE_TOKEN" } });
  });

  it("answers 401 without a valid service token or customer token", async () => {
    const noService = await POST(rpcRequest("billing", initialize, { "x-customer-token": await issueCustomerToken("C-1001") }), route("billing"));
    expect(noService.status).toBe(401);
    expect(noService.headers.get("www-authenticate")).toBe("Bearer");
    expect((await noService.json()).error).toMatchObject({ code: "unauthorized:mcp", details: { reason: "service_token" } });
    const wrongService = await POST(rpcRequest("billing", initialize, { ...(await auth()), authorization: "Bearer nope" }), route("billing"));
    expect(wrongService.status).toBe(401);
    const cases: Array<[string, string | undefined]> = [
      ["customer_token_missing", undefined],
      ["customer_token_bad_signature", await issueCustomerToken("C-1001", { secret: "forged-secret-of-a-sufficient-length-00" })],
      ["customer_token_expired", await issueCustomerToken("C-1001", { now: new Date("2020-01-01T00:00:00Z") })],
    ];
    for (const [error, token] of cases) {
      const headers: Record<string, string> = { authorization: `Bearer ${SERVICE}` };
      if (token) headers["x-customer-token"] = token;
      const res = await POST(rpcRequest("billing", initialize, headers), route("billing"));
      expect(res.status, error).toBe(401);
      expect((await res.json()).error, error).toMatchObject({ code: "unauthorized:mcp", details: { reason: error } });
    }
  });

  it("answers 404 for an unknown server, 400 for a run header and 405 for GET/DELETE (stateless)", async () => {
    const unknown = await POST(rpcRequest("payroll", initialize, await auth()), route("payroll"));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found:mcp");
    const badHeader = await POST(rpcRequest("billing", initialize, { ...(await auth()), "x-switchboard-task-id": "t1" }), route("billing"));
    expect(badHeader.status).toBe(400);
    expect((await badHeader.json()).error.code).toBe("bad_request:mcp");
    const get = new Request("http://localhost/api/mcp/billing", { headers: { ...(await auth()), accept: "text/event-stream" } });
    const refused = await GET(get, route("billing"));
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("POST");
    expect((await refused.json()).error.code).toBe("method_not_allowed:mcp");
    expect((await DELETE(new Request("http://localhost/api/mcp/billing", { method: "DELETE", headers: await auth() }), route("billing"))).status).toBe(405);
  });

  it("serves an AI SDK MCP client over real HTTP (a worker configured with MCP_NETWORK_URL)", async () => {
    // A tiny node:http adapter in front of the route handlers, as Next would be.
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const [, , , name] = (req.url ?? "").split("/");
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
        body: req.method === "POST" ? new Uint8Array(Buffer.concat(chunks)) : undefined,
      });
      const handler = req.method === "POST" ? POST : req.method === "DELETE" ? DELETE : GET;
      const response = await handler(request, route(name));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const { tools, close } = await connectWorkerTools({
        server: "network",
        ctx: { db, clock: { now: () => new Date("2026-11-15T12:00:00Z") }, customerId: "C-1003", ...(await activeTask("C-1003", "tech_support")) },
        external: { url: `http://127.0.0.1:${port}/api/mcp/network`, headers: { Authorization: `Bearer ${SERVICE}` } },
      });
      try {
        expect(Object.keys(tools).sort()).toEqual(["check_outage", "dispatch_technician", "remote_reset", "run_line_test"]);
        const out = (await tools.check_outage.execute!({}, { toolCallId: "x", messages: [], context: {} })) as { content: Array<{ text: string }> };
        expect(JSON.parse(out.content[0].text)).toMatchObject({ zone: "north-7", outage: { id: "OUT-77" } });
      } finally {
        await close();
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
