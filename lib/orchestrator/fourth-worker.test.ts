import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { offeredTools, scriptedModel, textResult, toolCallResult } from "../models/scripted";
import { fixedClock } from "../clock";
import type { WorkerResult } from "../contracts";
import { localModels } from "../models/registry";
import { workers } from "../workers/registry";
import { defineWorker } from "../workers/worker";
import { createEngine, submitMessage } from "./engine";
import { listEvents } from "./store";

// Adding a worker is a file and a registry line: this test writes the "file" (a
// worker definition) and the "line" (one more registry entry) for a fourth worker
// that exists only here, and runs a plan through it with nothing else changed.

const db = useTestDb();

const loyaltyWorker = defineWorker({
  name: "loyalty",
  title: "Loyalty",
  toolServer: "crm",
  scope: "loyalty rewards, tenure and anniversary perks.",
  role: "You are the loyalty worker of a fiber internet provider.",
  guidance: "Use get_profile to read the customer's tenure, then describe their perks.",
});

const loyaltyResult: WorkerResult = {
  status: "done",
  summary: "As a long-standing customer you have a free speed boost waiting on your account.",
  facts: ["tenure read from the profile"],
  actions: [],
  confidence: 0.95,
};

describe("a fourth worker registered by a test", () => {
  beforeEach(() => resetTestWorld(db));

  it("is planned for, runs its own tools and is synthesized into the reply", async () => {
    const registry = { ...workers, loyalty: loyaltyWorker };
    const supervisor = scriptedModel("test-supervisor", () =>
      textResult(JSON.stringify({
        kind: "delegate",
        tasks: [
          { worker: "loyalty", instruction: "what perks do I get for staying with you" },
          { worker: "billing", instruction: "why is my bill higher this month" },
        ],
      })),
    );
    const loyalty = scriptedModel("test-loyalty", (opts) =>
      opts.prompt.some((m) => m.role === "tool") ? textResult(JSON.stringify(loyaltyResult)) : toolCallResult([{ toolName: "get_profile" }]),
    );
    const deps = createEngine({
      db,
      worldAsOf: "2026-11-15",
      clock: fixedClock("2026-11-15"),
      workers: registry,
      models: { ...localModels(0), supervisor: supervisor.model, loyalty: loyalty.model },
      retryBackoffMs: 10,
      // Planning always goes through the supervisor model here (no tiered fast path).
      classifier: undefined,
    });

    const { run, done } = await submitMessage(deps, {
      customerId: "C-1001",
      message: "What perks do I get for staying with you? And why is my bill higher this month?",
    });
    expect(await done).toBe("completed");

    // The planning call knew about the new worker: its scope in the prompt, its name in the schema.
    const planCall = supervisor.calls[0];
    expect(JSON.stringify(planCall.prompt)).toContain("- loyalty: loyalty rewards, tenure and anniversary perks.");
    expect(JSON.stringify(planCall.responseFormat)).toContain("loyalty");

    // It ran with its own server's tools (read-only ones in its first step) and only its part of the message.
    expect(offeredTools(loyalty.calls[0])).toEqual(["get_profile", "list_plans", "quote_plan_change"]);
    expect(JSON.stringify(loyalty.calls[0].prompt)).toContain("what perks do I get for staying with you");
    expect(JSON.stringify(loyalty.calls[0].prompt)).not.toContain("bill higher");

    const events = await listEvents(db, run.id);
    const finished = events.filter((e) => e.type === "worker_finished");
    expect(finished.map((e) => e.worker).sort()).toEqual(["billing", "loyalty"]);
    expect(events.some((e) => e.type === "tool_result" && e.worker === "loyalty" && e.tool === "get_profile" && !e.isError)).toBe(true);

    const invocation = await db.workerInvocation.findFirstOrThrow({ where: { runId: run.id, worker: "loyalty" } });
    expect(invocation.status).toBe("succeeded");
    expect(await db.toolCall.count({ where: { invocationId: invocation.id, tool: "get_profile" } })).toBe(1);

    const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.reply).toContain(loyaltyResult.summary);
  });

  it("cannot be planned when it is not registered", async () => {
    const supervisor = scriptedModel("test-supervisor", () =>
      textResult(JSON.stringify({ kind: "delegate", tasks: [{ worker: "loyalty", instruction: "perks?" }] })),
    );
    const deps = createEngine({
      db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"),
      models: { ...localModels(0), supervisor: supervisor.model }, retryBackoffMs: 10, classifier: undefined,
    });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "What perks do I get, and is my bill right?" });
    await done;
    // The planner's output schema only admits registered workers, so no loyalty task runs.
    expect(JSON.stringify(supervisor.calls[0].responseFormat)).not.toContain("loyalty");
    expect(await db.workerInvocation.count({ where: { runId: run.id, worker: "loyalty" } })).toBe(0);
  });
});
