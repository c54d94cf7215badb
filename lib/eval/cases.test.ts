import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCases } from "./cases";
import { scoreCase, summarise, type Observed } from "./score";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-cases-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(lines: unknown[]): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(f, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return f;
}

const single = { id: "one", customerId: "C-1001", message: "is there an outage?", expect: { workers: ["tech_support"] } };
const conversation = {
  id: "conv",
  customerId: "C-1005",
  turns: [
    { message: "How much would it cost me to go down to the basic plan?", expect: { workers: ["account"], planChange: { status: "none" } } },
    { message: "ok go ahead and do it", expect: { workers: ["account"], planChange: { status: "pending_review", to: "basic-100" } } },
  ],
};

const observed = (over: Partial<Observed> = {}): Observed => ({
  workers: ["account"], outOfScope: false, smallTalk: false, creditsApplied: [], creditReviews: [], planBefore: "fiber-500", planAfter: "fiber-500",
  planReviews: [], dispatched: false, reviewKinds: [], withdrawn: 0, reply: "Done.", latencyMs: 10, otherCustomersMarkers: [],
  ...over,
});

describe("evaluation files", () => {
  it("reads single cases and conversations side by side, a conversation as its turns in order", () => {
    const cases = readCases(file([single, conversation]));
    expect(cases.map((c) => c.id)).toEqual(["one", "conv#1", "conv#2"]);
    expect(cases[0].conversation).toBeUndefined();
    expect(cases[2]).toMatchObject({ customerId: "C-1005", message: "ok go ahead and do it", conversation: { id: "conv", turn: 2, turns: 2 } });
    expect(cases[2].expect.planChange).toEqual({ status: "pending_review", to: "basic-100" });
  });

  it("names the line and the field of a bad case or turn", () => {
    expect(() => readCases(file([single, { ...conversation, turns: [] }]))).toThrow(/:2: turns /);
    expect(() => readCases(file([{ ...conversation, turns: [{ message: "hi", expect: { workers: [], credit: { status: "maybe" } } }] }]))).toThrow(/:1: turns\.0\.expect\.credit\.status /);
    expect(() => readCases(file(["{not json"]))).toThrow(/:1: not JSON/);
  });

  it("summarises turns: accuracy per turn, a conversation passed only when every turn holds", () => {
    const cases = readCases(file([single, conversation, { ...conversation, id: "conv2" }]));
    const seen = [
      observed({ workers: ["tech_support"] }),
      observed(),
      observed({ planReviews: ["basic-100"] }), // conv: both turns hold
      observed(),
      observed({ planReviews: [] }), // conv2: the confirmation proposed nothing
    ];
    const scores = cases.map((c, i) => scoreCase(c, seen[i]));
    const s = summarise(cases, seen, scores);
    expect(s).toMatchObject({ cases: 3, turns: 5, conversations: 2, conversationsPassed: 1, turnAccuracy: 0.8, unsafeActions: 0 });
  });
});
