import { beforeAll, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { offeredTools, scriptedModel, textResult } from "../../test/mock-models";
import { fixedClock } from "../clock";
import type { WorkerResult } from "../contracts";
import { localModels } from "../models/registry";
import { createEngine } from "./engine";
import { runWorkerAttempt } from "./invoke-worker";
import { toolDefinitions } from "../tools/registry";
import { workers } from "../workers/registry";
import type { WorkerDefinition } from "../workers/worker";

const db = useTestDb();
const clock = fixedClock("2026-11-15");

const refused: WorkerResult = { status: "refused", summary: "not mine", facts: [], actions: [], confidence: 0.9 };

function attempt(worker: WorkerDefinition, instruction: string, models = localModels(0)) {
  const deps = createEngine({ db, worldAsOf: "2026-11-15", clock, models });
  return runWorkerAttempt(deps, {
    worker,
    runId: "00000000-0000-0000-0000-000000000000",
    customerId: "C-1001",
    task: { id: "t1", worker: worker.name, instruction },
    invocationId: "unused",
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

  it("every worker uses a different tool server", () => {
    const servers = Object.values(workers).map((w) => w.toolServer);
    expect(new Set(servers).size).toBe(servers.length);
  });
});
