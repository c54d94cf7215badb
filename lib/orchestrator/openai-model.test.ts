import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { createEngine, submitMessage } from "./engine";
import { modelsFromEnv } from "../models/registry";
import { listReplyParts } from "./store";
import { STATE_MARKER, type ConversationState } from "../contracts";

// A local stand-in for an OpenAI-compatible server (/v1/chat/completions). It
// records every request and answers like a model would: a plan for the planning
// call, one tool call then a JSON result for a worker, streamed text for synthesis.

const db = useTestDb();
const requests: any[] = [];
// What the next planning calls answer, in order (a test queues its own); then the default plan.
const plans: object[] = [];
const defaultPlan = { kind: "delegate", tasks: [{ worker: "billing", instruction: "Check my bill." }, { worker: "tech_support", instruction: "My internet is slow." }] };
let server: http.Server;
let baseURL = "";

function completion(message: Record<string, unknown>, finish: string) {
  return {
    id: `chatcmpl-${requests.length}`, object: "chat.completion", created: 1_700_000_000, model: "fake-model",
    choices: [{ index: 0, message: { role: "assistant", content: null, ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
  };
}

function answer(body: any, res: http.ServerResponse) {
  const system: string = body.messages.find((m: any) => m.role === "system")?.content ?? "";
  const hasToolResults = body.messages.some((m: any) => m.role === "tool");
  if (body.stream) {
    // Synthesis: streamed text.
    res.writeHead(200, { "content-type": "text/event-stream" });
    const words = "Here is your answer: your bill and your line were checked.".split(" ");
    for (const [i, w] of words.entries()) {
      res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "fake-model", choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: w } : { content: ` ${w}` }, finish_reason: null }] })}\n\n`);
    }
    res.write(`data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "fake-model", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 200, completion_tokens: 12, total_tokens: 212 } })}\n\n`);
    res.end("data: [DONE]\n\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  if (!body.tools) {
    const plan = plans.shift() ?? defaultPlan;
    res.end(JSON.stringify(completion({ content: JSON.stringify(plan) }, "stop")));
    return;
  }
  const billing = system.includes("billing worker");
  const account = system.includes("account management worker");
  if (!hasToolResults) {
    // The account worker quotes the move to the basic plan (a read, offered at the first step).
    const [name, args] = billing ? ["get_billing_overview", {}] : account ? ["quote_plan_change", { toPlanId: "basic-100" }] : ["run_line_test", {}];
    res.end(JSON.stringify(completion({ tool_calls: [{ id: `call_${requests.length}`, type: "function", function: { name, arguments: JSON.stringify(args) } }] }, "tool_calls")));
    return;
  }
  const summary = billing ? "Your bill was checked." : account ? "Your plan change was quoted." : "Your line was tested.";
  const result = { status: "done", summary, facts: [], actions: [], confidence: 0.9 };
  res.end(JSON.stringify(completion({ content: JSON.stringify(result) }, "stop")));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}");
      requests.push({ path: req.url, auth: req.headers.authorization, body });
      answer(body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("OpenAI-compatible model path", () => {
  beforeEach(async () => {
    requests.length = 0;
    plans.length = 0;
    await resetTestWorld(db);
  });

  it("sends the plan schema and the worker's MCP tools, and completes a run", async () => {
    const models = modelsFromEnv({ SWITCHBOARD_MODEL: "openai", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "fake-model" });
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "Check my bill and also my internet is slow and I might upgrade" });
    expect(await done).toBe("completed");

    expect(requests.every((r) => r.path === "/v1/chat/completions" && r.auth === "Bearer sk-test")).toBe(true);
    const planning = requests.find((r) => !r.body.tools && !r.body.stream);
    expect(planning.body.response_format.type).toBe("json_schema");
    expect(Object.keys(planning.body.response_format.json_schema.schema.properties)).toEqual(expect.arrayContaining(["kind", "tasks"]));

    const billingCalls = requests.filter((r) => r.body.tools && r.body.messages[0].content.includes("billing worker"));
    const billingCall = billingCalls[0];
    const billingTools = billingCall.body.tools.map((t: any) => t.function.name);
    // The first step reads: the side-effecting tool is offered once the worker has read something.
    expect(billingTools).toEqual(expect.arrayContaining(["get_billing_overview", "find_discrepancies"]));
    expect(billingTools).not.toContain("issue_credit");
    expect(billingCalls[1].body.tools.map((t: any) => t.function.name)).toEqual(expect.arrayContaining(["get_billing_overview", "find_discrepancies", "issue_credit"]));
    expect(billingTools).not.toContain("run_line_test"); // a worker only gets its own server's tools
    expect(JSON.stringify(billingCall.body.tools)).not.toContain("$schema"); // no dialect marker in every call
    expect(billingCall.body.response_format.type).toBe("json_schema");
    // The worker saw only its sub-task, not the whole message.
    expect(JSON.stringify(billingCall.body.messages)).not.toContain("upgrade");

    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    // The reply is written in parts as the workers finish: one streamed call per part, and
    // a later part's request carries what the customer has already read.
    const parts = await listReplyParts(db, run.id);
    const sentence = "Here is your answer: your bill and your line were checked.";
    expect(stored.reply).toBe(parts.map(() => sentence).join("\n\n"));
    // (A part restarted because another worker finished before its first text is one request more.)
    const synthesis = requests.filter((r) => r.body.stream);
    expect(synthesis.length).toBeGreaterThanOrEqual(parts.length);
    const later = synthesis.filter((r) => /"said":"[^"]/.test(r.body.messages.at(-1).content));
    expect(later.length).toBeGreaterThanOrEqual(parts.length - 1);
    for (const r of later) {
      expect(r.body.messages[0].content).toContain("written in parts");
      expect(r.body.messages.at(-1).content).toContain(`"said":"${sentence}`);
    }
    const calls = await db.toolCall.findMany({ where: { runId: run.id } });
    expect(calls.map((c) => c.tool).sort()).toEqual(["get_billing_overview", "run_line_test"]);
    const usage = await db.modelCall.findMany({ where: { runId: run.id } });
    expect([...new Set(usage.map((u) => u.role))].sort()).toEqual(["billing", "supervisor", "synthesis", "tech_support"]);
    expect(usage.filter((u) => u.role === "synthesis")).toHaveLength(parts.length);
    expect(stored.tokensIn).toBeGreaterThan(0);
  });

  it("hands a conversation to a person when the model plans a handoff: no worker call, an item on the desk with the model's reason", async () => {
    const models = modelsFromEnv({ SWITCHBOARD_MODEL: "openai", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "fake-model" });
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models });
    plans.push({ kind: "handoff", tasks: [], reply: "The customer wants a manager about repeated outages." });
    const { run, done } = await submitMessage(deps, { customerId: "C-1012", message: "get me your manager, I'm done with the bot" });
    expect(await done).toBe("awaiting_review");
    // The planning call offered the kind and the rule; nothing but the planning call was made.
    const planning = requests.filter((r) => !r.body.tools && !r.body.stream);
    expect(planning).toHaveLength(1);
    expect(JSON.stringify(planning[0].body.response_format.json_schema.schema)).toContain("handoff");
    expect(requests.filter((r) => r.body.tools)).toHaveLength(0);
    const item = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    expect(item).toMatchObject({ kind: "handoff", status: "pending", summary: "The customer wants a manager about repeated outages." });
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).reply).toMatch(/^I've asked a person from our support team to take over/);
  });

  it("plans a follow-up with the conversation state, and its worker gets only its instruction", async () => {
    const models = modelsFromEnv({ SWITCHBOARD_MODEL: "openai", OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "fake-model" });
    // No classifier: it would send turn 1 (one clear intent) straight to the account worker
    // with no planning call, and this test reads turn 1's planning prompt too.
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models, classifier: undefined });
    const asked = "How much would it cost me to go down to the basic plan?";
    const confirmed = "alright, let's do that then";
    // What a planner would resolve the confirmation to; it differs from turn 1's task, so no cached result answers it.
    const resolved = "Change my plan to Fiber 100 (basic-100); I accept the early-termination fee.";
    plans.push({ kind: "delegate", tasks: [{ worker: "account", instruction: asked }] }, { kind: "delegate", tasks: [{ worker: "account", instruction: resolved }] });

    const first = await submitMessage(deps, { customerId: "C-1005", message: asked });
    expect(await first.done).toBe("completed");
    const turn1 = requests.length;
    const second = await submitMessage(deps, { customerId: "C-1005", message: confirmed, conversationId: first.run.conversationId });
    expect(await second.done).toBe("completed");

    type Sent = (typeof requests)[number];
    type Message = { role: string; content: string };
    const isPlanning = (r: Sent) => !r.body.tools && !r.body.stream;
    const systemOf = (r: Sent): string => r.body.messages.find((m: Message) => m.role === "system").content;
    const firstPlanning = requests.slice(0, turn1).filter(isPlanning);
    const secondPlanning = requests.slice(turn1).filter(isPlanning);
    expect(firstPlanning).toHaveLength(1);
    expect(secondPlanning).toHaveLength(1);
    // The first message of a conversation has no state to plan with.
    expect(systemOf(firstPlanning[0])).not.toContain(STATE_MARKER);

    // The follow-up's planning prompt carries the state: turn 1's message and the offer its
    // quote tool returned (the fee as the tool computed it, not as the fake model said it).
    const system = systemOf(secondPlanning[0]);
    expect(system).toContain(STATE_MARKER);
    const state = JSON.parse(system.slice(system.indexOf(STATE_MARKER) + STATE_MARKER.length).split("\n")[0]) as ConversationState;
    const quote = await db.toolCall.findFirstOrThrow({ where: { runId: first.run.id, tool: "quote_plan_change" } });
    const quoted = quote.result as { toPlan: { id: string }; feeCents: number };
    expect(quoted.feeCents).toBe(16_000); // 16 months left on the contract x $10
    expect(state.previous).toMatchObject({ message: asked, kind: "delegate", tasks: [{ worker: "account", instruction: asked }] });
    expect(state.offers).toEqual([expect.objectContaining({ toPlanId: quoted.toPlan.id, feeCents: quoted.feeCents, decision: "needs_approval" })]);
    expect(quoted.toPlan.id).toBe("basic-100");
    expect(secondPlanning[0].body.messages.at(-1)).toMatchObject({ role: "user", content: confirmed });

    // Turn 2's worker got its resolved instruction and nothing of the conversation.
    const workers = requests.slice(turn1).filter((r) => r.body.tools);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers[0].body.messages.find((m: Message) => m.role === "user").content).toBe(resolved);
    for (const r of workers) {
      const sent = JSON.stringify(r.body.messages);
      expect(sent).not.toContain(asked);
      expect(sent).not.toContain(confirmed);
      expect(sent).not.toContain(STATE_MARKER);
    }
  });
});
