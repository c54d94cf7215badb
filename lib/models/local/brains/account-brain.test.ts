import { describe, expect, it } from "vitest";
import type { BrainDecision, BrainInput } from "../local-model";
import type { SeenToolResult } from "../prompt";
import { accountBrain } from "./account-brain";

// What the account worker does with a message about plans: a request in the customer's
// own words is carried out (change_plan decides applied / review / refused), a question
// about a change is quoted and nothing more, and a comparison quotes every plan it names.

const PLANS = [
  { id: "basic-100", name: "Fiber 100", downMbps: 100, monthlyCents: 4500 },
  { id: "fiber-300", name: "Fiber 300", downMbps: 300, monthlyCents: 6000 },
  { id: "fiber-500", name: "Fiber 500", downMbps: 500, monthlyCents: 7500 },
  { id: "gig-1000", name: "Fiber 1 Gig", downMbps: 1000, monthlyCents: 9000 },
];
const result = (toolName: string, value: unknown): SeenToolResult => ({ toolName, toolCallId: `${toolName}-${JSON.stringify(value).length}`, value, isError: false });
const input = (userText: string, results: SeenToolResult[]) => ({ userText, results, system: "", toolNames: [], wantsJson: true }) as unknown as BrainInput;
const toolCalls = (d: BrainDecision) => (d.kind === "tool-calls" ? d.calls.map((c) => `${c.toolName}:${String(c.input.toPlanId ?? "")}`) : []);
const answer = (d: BrainDecision) => {
  if (d.kind !== "text") throw new Error(`expected a result, got ${JSON.stringify(d)}`);
  return JSON.parse(d.text) as { status: string; summary: string; actions: Array<{ type: string; status: string }> };
};
const seenOn = (planId: string) => [result("get_profile", { plan: { id: planId }, contractEndsOn: "2027-06-30" }), result("list_plans", { plans: PLANS })];
const quote = (toPlanId: string, feeCents = 0) => result("quote_plan_change", { toPlan: { id: toPlanId }, feeCents, remainingMonths: feeCents / 1000, decision: feeCents ? "needs_approval" : "allowed" });

describe("account: a comparison quotes every plan it names", () => {
  it.each([
    ["the gig or fiber 500 — how do they stack up on price?", ["fiber-500", "gig-1000"]],
    ["the 300 versus the gig, what's each one a month", ["fiber-300", "gig-1000"]],
    ["compare the 300, the 500 and the gig for me", ["fiber-300", "fiber-500", "gig-1000"]],
  ])("%s", (text, ids) => {
    const first = accountBrain(input(text, seenOn("basic-100")));
    expect(toolCalls(first).sort()).toEqual(ids.map((id) => `quote_plan_change:${id}`).sort());
    const out = answer(accountBrain(input(text, [...seenOn("basic-100"), ...ids.map((id) => quote(id))])));
    for (const id of ids) expect(out.summary).toContain(PLANS.find((p) => p.id === id)!.name);
    expect(out.actions).toEqual([]);
  });

  it("tells the customer's own plan apart and quotes the other one it names", () => {
    const text = "is fiber 500 much dearer than the 300 I've got?";
    expect(toolCalls(accountBrain(input(text, seenOn("fiber-300"))))).toEqual(["quote_plan_change:fiber-500"]);
  });
});

describe("account: a question about what a change would cost is quoted, not made", () => {
  it.each(["any penalty if I switch over to the 100 plan?", "tell me the charge if we change to fiber 300"])("%s", (text) => {
    const seen = [...seenOn("fiber-500"), quote(text.includes("100") ? "basic-100" : "fiber-300", 12000)];
    expect(toolCalls(accountBrain(input(text, seen)))).toEqual([]);
    const out = answer(accountBrain(input(text, seen)));
    expect(out.summary).toMatch(/\$120\.00/);
    expect(out.summary).toMatch(/Nothing has been changed/);
    expect(out.actions).toEqual([]);
  });
});

describe("account: a change asked in the customer's own words is carried out", () => {
  it.each([
    ["pop us onto fiber 300 please", "fiber-300"],
    ["could you shift me over to the gig", "gig-1000"],
    ["we'd like to step down to the 100", "basic-100"],
    ["the 300 one, thanks", "fiber-300"],
  ])("%s", (text, to) => {
    const seen = [...seenOn("fiber-500"), quote(to)];
    expect(toolCalls(accountBrain(input(text, seen)))).toEqual([`change_plan:${to}`]);
  });
});
