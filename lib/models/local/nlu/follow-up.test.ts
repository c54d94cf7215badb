import { describe, expect, it } from "vitest";
import { followUpAct, isBareQuestion, pickOffer, pickPlan, pointsBack, withdrawnPending } from "./follow-up";

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

  it.each([
    // A thank-you closes the topic; it agrees to nothing.
    ["okay, thank you", null],
    ["brilliant, cheers", null],
    ["yes please, cheers", "confirm"],
    // A no after a yes word, or a filler before the no, is still a no.
    ["ok no, wait", "retract"],
    ["um no, not that one", "retract"],
    ["yeah no, don't submit it", "retract"],
    ["nah, forget the whole thing", "retract"],
    ["I'd rather stay as I am", "retract"],
    // A "no" that starts a statement or a question is not an answer.
    ["no signal at all since lunchtime", null],
    ["so no need to be home for it?", "ask"],
    // Go-aheads in other words.
    ["fine by me, process it", "confirm"],
    ["right, I accept that, switch it", "confirm"],
  ])("%s → %s", (text, act) => {
    expect(followUpAct(text)).toBe(act);
  });

  it("reads approval questions as status only while something waits for a specialist", () => {
    for (const q of ["did the supervisor OK it yet, has it been reviewed?", "how many days until someone decides?", "when will I hear if it's approved?"]) {
      expect(followUpAct(q, { waiting: true })).toBe("status");
      expect(followUpAct(q, { waiting: false })).toBe("ask");
    }
  });

  it("takes back what waits only on a real withdrawal, and only what it names", () => {
    const pending = [
      { id: "r1", lastTurn: true, type: "credit" as const, amountCents: 8500, since: "2026-11-15T10:00:00Z" },
      { id: "r2", lastTurn: false, type: "plan_change" as const, toPlanId: "basic-100", since: "2026-11-14T10:00:00Z" },
    ];
    expect(withdrawnPending("never mind, leave it", pending).map((p) => p.id)).toEqual(["r1"]);
    expect(withdrawnPending("please cancel my downgrade request", pending).map((p) => p.id)).toEqual(["r2"]);
    expect(withdrawnPending("drop the refund, I was wrong", pending).map((p) => p.id)).toEqual(["r1"]);
    // Declining "anything else?" withdraws nothing.
    expect(withdrawnPending("no thanks, I'm good", pending)).toEqual([]);
    expect(withdrawnPending("nope", pending)).toEqual([]);
  });

  it("knows a question that points back at the last answer", () => {
    expect(pointsBack("and why did that happen?")).toBe(true);
    expect(pointsBack("could they make it earlier?")).toBe(true);
    expect(pointsBack("the time again?")).toBe(true);
    expect(pointsBack("and what do I owe this month?")).toBe(false);
    // A subject of its own: ours, or another business's.
    expect(pointsBack("is my router causing it?")).toBe(false);
    expect(pointsBack("is it going to snow at the airport?")).toBe(false);
    expect(pointsBack("how tall is Everest?")).toBe(false);
  });

  it("tells a question that only points back from one with a subject of its own", () => {
    for (const q of ["so how long will it take?", "when is that happening?", "what about the other one?", "why?", "is that included?", "still on for the 3rd at 9:30?", "what time on friday?"]) expect(isBareQuestion(q), q).toBe(true);
    for (const q of ["is it going to snow tomorrow?", "who won the game last night?", "can you recommend a pizza place?", "what's the capital of Peru?"]) expect(isBareQuestion(q), q).toBe(false);
  });
});

describe("which plan a reference names", () => {
  it("the middle one of three", () => {
    expect(pickPlan("I'll go for the one in the middle", PLANS)).toMatchObject({ id: "fiber-500" });
  });

  it("never picks a plan named only to be refused", () => {
    expect(pickPlan("no, not the 500", PLANS)).toBeNull();
    expect(pickPlan("anything but the gig, the cheapest", PLANS)).toMatchObject({ id: "basic-100" });
  });

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
