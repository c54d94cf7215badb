import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { startTelemetry, type TelemetryHandle } from "../telemetry/setup";
import { createEngine, recoverRuns, submitMessage } from "./engine";
import { THREE_PARTS } from "@/test/messages";

// The run's trace, end to end: the engine runs the three-part message with the local
// model while a tiny OTLP/HTTP receiver in this test collects what the exporter sends
// (JSON bodies, the exporter's encoding), and the spans are checked against the run row.

const db = useTestDb();
const clock = fixedClock("2026-11-15");
const engine = (over: Partial<Parameters<typeof createEngine>[0]> = {}) =>
  createEngine({ db, worldAsOf: "2026-11-15", clock, models: localModels(0), retryBackoffMs: 10, ...over });

interface OtlpValue { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: OtlpValue[] } }
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  links?: Array<{ traceId: string; spanId: string; attributes?: Array<{ key: string; value: OtlpValue }> }>;
}
interface Received { path: string; contentType: string; spans: OtlpSpan[] }

/** An OTLP/HTTP trace receiver: keeps every request's spans. */
function otlpReceiver() {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
      };
      const spans = (body.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
      requests.push({ path: req.url ?? "", contentType: String(req.headers["content-type"] ?? ""), spans });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  return {
    requests,
    spans: () => requests.flatMap((r) => r.spans),
    listen: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attr(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue;
}

/** Whether `span` sits under `ancestor` in the received tree. */
function descendsFrom(span: OtlpSpan, ancestor: OtlpSpan, all: OtlpSpan[]): boolean {
  const byId = new Map(all.map((s) => [s.spanId, s]));
  let at: OtlpSpan | undefined = span;
  for (let hops = 0; at?.parentSpanId && hops < 50; hops++) {
    if (at.parentSpanId === ancestor.spanId) return at.traceId === ancestor.traceId;
    at = byId.get(at.parentSpanId);
  }
  return false;
}

const receiver = otlpReceiver();
let endpoint = "";
beforeAll(async () => {
  endpoint = await receiver.listen();
});
afterAll(() => receiver.close());

describe("telemetry off (no OTLP endpoint)", () => {
  beforeEach(() => resetTestWorld(db));

  it("sends no span and records no trace on the run", async () => {
    expect(startTelemetry({ OTEL_SERVICE_NAME: "switchboard-test" })).toBeNull();
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("completed");
    // Longer than the batch delay of an exporter, had one been started.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(receiver.requests).toHaveLength(0);
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.traceId).toBeNull();
    expect(stored.spanId).toBeNull();
  });
});

describe("telemetry on (OTLP endpoint configured)", () => {
  let telemetry: TelemetryHandle;
  beforeAll(() => {
    telemetry = startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "switchboard-test" })!;
  });
  afterAll(() => telemetry?.shutdown());
  beforeEach(async () => {
    await resetTestWorld(db);
    receiver.requests.length = 0;
  });

  it("exports the run span, its planning, worker, tool and synthesis spans and the AI SDK's spans under it, and records the trace on the run", async () => {
    expect(telemetry.config.tracesUrl).toBe(`${endpoint}/v1/traces`);
    const { run, done } = await submitMessage(engine(), { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("completed");
    await telemetry.flush();

    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((r) => r.path === "/v1/traces" && r.contentType.startsWith("application/json"))).toBe(true);
    const spans = receiver.spans();
    const runSpans = spans.filter((s) => s.name === "switchboard.run" && attr(s, "switchboard.run.id") === run.id);
    expect(runSpans).toHaveLength(1);
    const runSpan = runSpans[0];
    expect(runSpan.parentSpanId || undefined).toBeUndefined();
    expect(attr(runSpan, "switchboard.customer.id")).toBe("C-1001");
    expect(attr(runSpan, "switchboard.run.status")).toBe("completed");

    // The run row names the span the operator jumps to.
    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.traceId).toBe(runSpan.traceId);
    expect(stored.spanId).toBe(runSpan.spanId);

    const under = (s: OtlpSpan) => descendsFrom(s, runSpan, spans);
    const plan = spans.filter((s) => s.name === "switchboard.plan" && under(s));
    expect(plan).toHaveLength(1);
    expect(attr(plan[0], "switchboard.plan.tasks")).toBe(3);

    const workerSpans = spans.filter((s) => s.name === "switchboard.worker" && under(s));
    expect(new Set(workerSpans.map((s) => attr(s, "switchboard.worker")))).toEqual(new Set(["billing", "tech_support", "account"]));
    for (const w of workerSpans) {
      expect(w.parentSpanId).toBe(runSpan.spanId);
      expect(attr(w, "switchboard.task.id")).toMatch(/^t\d$/);
      expect(attr(w, "switchboard.attempt")).toBe(1);
      expect(attr(w, "switchboard.worker.outcome")).toBe("succeeded");
    }

    // Tool calls sit under their worker's span; the billing worker's credit is one of them.
    const billing = workerSpans.find((s) => attr(s, "switchboard.worker") === "billing")!;
    const billingTools = spans.filter((s) => s.name === "switchboard.tool" && descendsFrom(s, billing, spans)).map((s) => attr(s, "switchboard.tool"));
    expect(billingTools).toContain("issue_credit");
    const dbToolCalls = await db.toolCall.count({ where: { runId: run.id } });
    expect(spans.filter((s) => s.name === "switchboard.tool" && under(s))).toHaveLength(dbToolCalls);

    expect(spans.filter((s) => s.name === "switchboard.synthesis" && under(s)).length).toBeGreaterThanOrEqual(1);

    // The AI SDK's own spans (GenAI conventions: invoke_agent <functionId>, step <n>,
    // chat <model>, execute_tool <tool>) are inside the run's tree.
    const aiSpans = spans.filter((s) => attr(s, "gen_ai.operation.name") !== undefined);
    expect(aiSpans.length).toBeGreaterThan(0);
    for (const s of aiSpans) expect(under(s), `${s.name} is under the run span`).toBe(true);
    const agents = aiSpans.filter((s) => s.name.startsWith("invoke_agent "));
    expect(new Set(agents.map((s) => s.name))).toEqual(new Set([
      "invoke_agent switchboard.supervisor",
      "invoke_agent switchboard.worker.billing",
      "invoke_agent switchboard.worker.tech_support",
      "invoke_agent switchboard.worker.account",
      "invoke_agent switchboard.synthesis",
    ]));
    const billingAgent = agents.find((s) => s.name === "invoke_agent switchboard.worker.billing")!;
    expect(billingAgent.parentSpanId).toBe(billing.spanId);
    expect(aiSpans.some((s) => s.name.startsWith("chat ") && descendsFrom(s, billingAgent, spans))).toBe(true);
    // Customer text stays out of the spans unless SWITCHBOARD_TRACE_CONTENT=1.
    expect(JSON.stringify(spans)).not.toContain("late fee");
  });

  it("continues the recorded trace when a run is resumed, and keeps the first run span on the run", async () => {
    let failOnce = true;
    const deps = engine({
      onBoundary: (name) => {
        if (name === "planned" && failOnce) {
          failOnce = false;
          throw new Error("process died after planning");
        }
      },
    });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: THREE_PARTS });
    expect(await done).toBe("lease_lost");
    const first = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);

    const resumed = await recoverRuns(deps);
    expect(resumed).toEqual([{ id: run.id, result: "completed" }]);
    await telemetry.flush();

    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.traceId).toBe(first.traceId);
    expect(stored.spanId).toBe(first.spanId);
    const runSpans = receiver.spans().filter((s) => s.name === "switchboard.run" && attr(s, "switchboard.run.id") === run.id);
    expect(runSpans.map((s) => attr(s, "switchboard.run.attempt")).sort()).toEqual([1, 2]);
    const [one, two] = [1, 2].map((n) => runSpans.find((s) => attr(s, "switchboard.run.attempt") === n)!);
    expect(one.spanId).toBe(first.spanId);
    expect(two.traceId).toBe(first.traceId);
    expect(two.parentSpanId).toBe(first.spanId);
    expect(two.links?.some((l) => l.spanId === first.spanId && l.traceId === first.traceId)).toBe(true);
    // The resumed attempt did the workers' part, under its own span.
    const workers = receiver.spans().filter((s) => s.name === "switchboard.worker" && s.parentSpanId === two.spanId);
    expect(workers).toHaveLength(3);
  });
});
