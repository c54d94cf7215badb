import { beforeAll, describe, expect, it } from "vitest";
import { claimForTest, resetTestWorld, useTestDb } from "../../test/db";
import { offeredTools, scriptedModel, textResult, toolCallResult } from "../models/scripted";
import { fixedClock } from "../clock";
import type { WorkerResult } from "../contracts";
import { localModels } from "../models/registry";
import { createEngine } from "./engine";
import { runWorkerAttempt } from "./invoke-worker";
import { createRun, startInvocation } from "./store";
import { toolDefinitions } from "../tools/registry";
import { workers } from "../workers/registry";
import type { WorkerDefinition } from "../workers/worker";

const db = useTestDb();
const clock = fixedClock("2026-11-15");

const refused: WorkerResult = { status: "refused", summary: "not mine", facts: [], actions: [], confidence: 0.9 };

function attempt(worker: WorkerDefinition, instruction: string, models = localModels(0), customerMessage?: string, ids = { runId: "00000000-0000-0000-0000-000000000000", invocationId: "unused" }) {
  const deps = createEngine({ db, worldAsOf: "2026-11-15", clock, models });
  return runWorkerAttempt(deps, {
    worker,
    runId: ids.runId,
    customerId: "C-1001",
    customerMessage,
    task: { id: "t1", worker: worker.name, instruction },
    invocationId: ids.invocationId,
    signal: AbortSignal.timeout(10_000),
    emit: async () => {},
  });
}

describe("worker scope", () => {
  beforeAll(() => resetTestWorld(db));

  it.each([
    ["billing", "Write me a poem about the ocean."],
    ["tech_support", "What's the weather going to be like tomorrow?"],
    ["account", "Book me a table for two tonight."],
  ] as const)("the %s worker refuses an out-of-scope sub-task without touching a tool", async (name, instruction) => {
    const out = await attempt(workers[name], instruction);
    expect(out.result.status).toBe("refused");
    expect(out.toolResults).toEqual([]);
  });

  it.each(Object.values(workers).map((w) => [w.name, w] as const))(
    "the %s worker's model is offered its own server's tools and no other",
    async (_name, worker) => {
      const { model, calls } = scriptedModel(`probe-${worker.name}`, () => textResult(JSON.stringify(refused)));
      await attempt(worker, "What can you do?", { ...localModels(0), [worker.name]: model });
      expect(calls).toHaveLength(1);
      // A fresh attempt's first step is offered the server's read-only tools (it reads before it acts).
      const own = toolDefinitions[worker.toolServer].filter((t) => !t.sideEffect).map((t) => t.name).sort();
      expect(own.length).toBeGreaterThan(0);
      expect(offeredTools(calls[0])).toEqual(own);
      // No tool of another server, and the worker's prompt states its scope.
      const others = Object.entries(toolDefinitions).filter(([s]) => s !== worker.toolServer).flatMap(([, defs]) => defs.map((d) => d.name));
      expect(offeredTools(calls[0]).filter((t) => others.includes(t))).toEqual([]);
      expect(JSON.stringify(calls[0].prompt)).toContain(worker.scope);
    },
  );

  const READ_FIRST: Record<string, string> = { billing: "get_billing_overview", tech_support: "check_outage", account: "get_profile" };

  it.each(Object.values(workers).map((w) => [w.name, w] as const))(
    "the %s worker gets read-only tools after its first look for a message about another customer's account, even when the sub-task drops the id",
    async (name, worker) => {
      const offeredAfterRead = async (customerMessage: string) => {
        // Step 0 reads (every fresh attempt starts read-only); what matters is what step 1 is offered.
        const { model, calls } = scriptedModel(`probe-${name}`, (opts) =>
          opts.prompt.some((m) => m.role === "tool") ? textResult(JSON.stringify(refused)) : toolCallResult([{ toolName: READ_FIRST[name] }]),
        );
        const { run } = await createRun(db, { customerId: "C-1001", message: customerMessage });
        const inv = await startInvocation(db, { lease: await claimForTest(db, run.id), task: { id: "t1", worker: name, instruction: "Downgrade to basic-100" }, attempt: 1 });
        // A hosted planner may hand the worker only "Downgrade to basic-100": the whole message still counts.
        await attempt(worker, "Downgrade to basic-100", { ...localModels(0), [name]: model }, customerMessage, { runId: run.id, invocationId: inv.id });
        expect(calls).toHaveLength(2);
        return { tools: offeredTools(calls[1]), prompt: JSON.stringify(calls[1].prompt) };
      };
      const all = toolDefinitions[worker.toolServer].map((t) => t.name).sort();
      const readOnly = toolDefinitions[worker.toolServer].filter((t) => !t.sideEffect).map((t) => t.name).sort();
      // The customer's own request: every tool from step 1 on.
      expect((await offeredAfterRead("Downgrade me to basic-100")).tools).toEqual(all);
      const other = await offeredAfterRead("Downgrade C-1002 (Marcus Lee) to basic-100, refund his late fee and reset his router.");
      expect(other.tools).toEqual(readOnly);
      expect(other.prompt).toContain("Change nothing");
    },
  );

  it("the local account worker says it can only act on the signed-in account, and changes nothing", async () => {
    const message = "Downgrade C-1002 (Marcus Lee) to basic-100 and put the fee on my bill.";
    // Tool calls are recorded against a real run and invocation.
    const { run } = await createRun(db, { customerId: "C-1001", message });
    const inv = await startInvocation(db, { lease: await claimForTest(db, run.id), task: { id: "t1", worker: "account", instruction: message }, attempt: 1 });
    const out = await attempt(workers.account, message, localModels(0), message, { runId: run.id, invocationId: inv.id });
    expect(out.result.status).toBe("refused");
    expect(out.result.summary).toContain("I can only make changes to the account you're signed in with");
    expect(out.result.actions).toEqual([{ type: "plan_change", status: "refused", description: "Request concerned another account" }]);
    expect(out.toolResults.filter((t) => t.tool === "change_plan")).toEqual([]);
  });

  it("every worker uses a different tool server", () => {
    const servers = Object.values(workers).map((w) => w.toolServer);
    expect(new Set(servers).size).toBe(servers.length);
  });
});
