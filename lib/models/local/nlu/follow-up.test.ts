import { describe, expect, it } from "vitest";
import { followUpAct, isBareQuestion, pickOffer, pickPlan } from "./follow-up";

const PLANS = [
  { id: "basic-100", name: "Fiber 100", monthlyCents: 4500, downMbps: 100 },
  { id: "fiber-500", name: "Fiber 500", monthlyCents: 7500, downMbps: 500 },
  { id: "gig-1000", name: "Fiber 1 Gig", monthlyCents: 9000, downMbps: 1000 },
];

describe("what a message does to the conversation before it", () => {
  it.each([
    ["yep, go for it", "confirm"],
    ["Sure thing, switch me over", "confirm"],
    ["alright let's do that", "confirm"],
    ["I'll take the second one", "confirm"],
    ["hmm forget it", "retract"],
    ["no thanks, I'll stay with my current plan", "retract"],
    ["scratch that", "retract"],
    ["don't change anything", "retract"],
    ["has the credit been approved yet?", "status"],
    ["any update on that?", "status"],
    ["still waiting on the approval, how long does it take?", "status"],
    ["and how long will that take?", "ask"],
    ["why", "ask"],
    ["my router is blinking red", null],
  ])("%s → %s", (text, act) => {
    expect(followUpAct(text)).toBe(act);
  });

  it("tells a question that only points back from one with a subject of its own", () => {
    for (const q of ["so how long will it take?", "when is that happening?", "what about the other one?", "why?", "is that included?"]) expect(isBareQuestion(q), q).toBe(true);
    for (const q of ["is it going to snow tomorrow?", "who won the game last night?", "can you recommend a pizza place?", "what's the capital of Peru?"]) expect(isBareQuestion(q), q).toBe(false);
  });
});

describe("which plan a reference names", () => {
  it("by name, by speed, by rank", () => {
    expect(pickPlan("the 1 gig one", PLANS)).toMatchObject({ id: "gig-1000" });
    expect(pickPlan("fiber 500 please", PLANS)).toMatchObject({ id: "fiber-500" });
    expect(pickPlan("give me the quickest", PLANS)).toMatchObject({ id: "gig-1000" });
    expect(pickPlan("the least expensive", PLANS)).toMatchObject({ id: "basic-100" });
    expect(pickPlan("whatever's the premium one", PLANS)).toMatchObject({ id: "gig-1000" });
  });

  it("comparatives only between two, and nothing from a message that names none", () => {
    const two = PLANS.slice(1);
    expect(pickPlan("the cheaper of the two", two)).toMatchObject({ id: "fiber-500" });
    expect(pickPlan("the faster one", two)).toMatchObject({ id: "gig-1000" });
    expect(pickPlan("the faster one", PLANS)).toBe("ambiguous");
    expect(pickPlan("sounds good", PLANS)).toBeNull();
  });

  it("a confirmation takes the only offer, or the offer it names, and no guess between two", () => {
    const offer = (p: (typeof PLANS)[number]) => ({ toPlanId: p.id, toPlanName: p.name, monthlyCents: p.monthlyCents, downMbps: p.downMbps, feeCents: 0, decision: "allowed" as const });
    expect(pickOffer("ok", [offer(PLANS[1])])).toMatchObject({ toPlanId: "fiber-500" });
    expect(pickOffer("ok", [offer(PLANS[1]), offer(PLANS[2])])).toBe("ambiguous");
    expect(pickOffer("the gig one", [offer(PLANS[1]), offer(PLANS[2])])).toMatchObject({ toPlanId: "gig-1000" });
    expect(pickOffer("ok", [])).toBeNull();
  });
});
