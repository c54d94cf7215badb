import { beforeAll, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine } from "../orchestrator/engine";
import type { WorkerName } from "../orchestrator/events";
import { runWorkerAttempt } from "../orchestrator/invoke-worker";

const db = useTestDb();
const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0) });

async function attempt(worker: WorkerName, instruction: string) {
  return runWorkerAttempt(deps, {
    runId: "00000000-0000-0000-0000-000000000000",
    customerId: "C-1001",
    task: { id: "t1", worker, instruction },
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
  ] as const)("the %s worker refuses an out-of-scope sub-task without touching a tool", async (worker, instruction) => {
    const out = await attempt(worker, instruction);
    expect(out.result.status).toBe("refused");
    expect(out.toolResults).toEqual([]);
  });

  it("each worker only has its own server's tools", async () => {
    const conn = await deps.connectTools("network", { db, clock: deps.clock, customerId: "C-1001", runId: "r", taskId: "t" });
    try {
      expect(Object.keys(conn.tools).sort()).toEqual(["check_outage", "dispatch_technician", "remote_reset", "run_line_test"]);
    } finally {
      await conn.close();
    }
  });
});
