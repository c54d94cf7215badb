import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { resetThenFailModel } from "../models/scripted";
import { fixedClock } from "../clock";
import { localModels } from "../models/registry";
import { createEngine, submitMessage } from "../orchestrator/engine";
import { defaultSettings } from "../orchestrator/settings";
import { workers } from "../workers/registry";
import { loadWorld } from "../world/fixture";
import { loadReviewDetail } from "./review-detail";

const db = useTestDb();

describe("the review detail of a part that failed after acting", () => {
  beforeEach(() => resetTestWorld(db));

  it("lists what the ledger says the part already did, next to its failed attempts", async () => {
    // Technical support resets the line, then its model stops answering on every later step.
    const tech = resetThenFailModel();
    const deps = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: { ...localModels(0), tech_support: tech.model }, retryBackoffMs: 10 });
    const { run, done } = await submitMessage(deps, { customerId: "C-1001", message: "my connection keeps dropping and speeds are terrible" });
    expect(await done).toBe("awaiting_review");
    const item = await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "worker_failure" } });

    const d = await loadReviewDetail({ db, reviewId: item.id, settings: defaultSettings(workers, loadWorld().policy, {}), today: "2026-11-15", now: new Date() });
    expect(d?.applied).toEqual([{ tool: "remote_reset", statement: expect.stringMatching(/fixed it with a remote reset/) }]);
    expect(d?.errors).toHaveLength(2);
    expect(d?.toolCalls.filter((t) => t.tool === "remote_reset" && !t.isError)).toHaveLength(1);
  });
});
