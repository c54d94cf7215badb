import { describe, expect, it } from "vitest";
import { toolDefinitions } from "../tools/registry";
import { workers } from "./registry";

// A hosted model learns what a side-effecting tool's answers mean from the tool's
// description and its worker's instructions. Answers that something is already so
// (another conversation of the customer's, or an earlier request, got there first)
// must be told as facts, never as the worker's own action (issue 20, finding 5).
const ALREADY_SO = new Set(["already_booked", "no_fault", "already_credited", "already_on_plan", "already_pending"]);

const statusesOf = (def: { outputSchema: Record<string, unknown> }): string[] =>
  (def.outputSchema.status as { options?: string[] } | undefined)?.options ?? [];

describe("what the workers' hosted models are told about their tools' answers", () => {
  for (const worker of Object.values(workers)) {
    const acting = toolDefinitions[worker.toolServer].filter((t) => t.sideEffect);

    it(`${worker.name}: every status of its side-effecting tools is explained in the tool's description`, () => {
      for (const tool of acting) {
        const statuses = statusesOf(tool);
        expect(statuses.length).toBeGreaterThan(0);
        for (const s of statuses) expect(tool.description, `${tool.name}: ${s}`).toContain(s);
      }
    });

    it(`${worker.name}: its instructions name each 'already so' answer and say it is no action of its own`, () => {
      const already = acting.flatMap((t) => statusesOf(t).filter((s) => ALREADY_SO.has(s)));
      expect(already.length).toBeGreaterThan(0);
      for (const s of already) expect(worker.instructions, s).toContain(s);
      expect(worker.instructions).toMatch(/never as something you did/);
      expect(worker.instructions).toMatch(/replayed: true \(your own earlier call in this task/);
    });
  }
});
