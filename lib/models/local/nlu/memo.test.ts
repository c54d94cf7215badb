import { describe, expect, it } from "vitest";
import { analyseRequest } from "./requests";
import { classifyIntents } from "./classifier";
import { memoByText } from "./memo";

describe("analyses remembered by text", () => {
  it("computes a text's answer once, keeps at most `max` texts, and shares it frozen", () => {
    const seen: string[] = [];
    const analyse = memoByText(2, (text: string) => (seen.push(text), { words: text.split(" ") }));
    const first = analyse("late fee");
    expect(analyse("late fee")).toBe(first);
    expect(seen).toEqual(["late fee"]);
    analyse("slow internet");
    analyse("late fee"); // most recently used again
    analyse("1 gig plan"); // the third text pushes out the least recently used one
    analyse("late fee");
    analyse("slow internet");
    expect(seen).toEqual(["late fee", "slow internet", "1 gig plan", "slow internet"]);
    expect(() => first.words.push("extra")).toThrow(TypeError);
  });

  it("gives the classifier's and the request analysis's answers unchanged", () => {
    const text = "I was charged a $30 late fee but I paid on time";
    const once = classifyIntents(text);
    expect(classifyIntents(text)).toBe(once);
    expect(once.labels).toContain("billing");
    const req = analyseRequest(text);
    expect(analyseRequest(text)).toBe(req);
    expect(req.disputesCharge).toBe(true);
    expect(req.amountsCents).toEqual([3000]);
    // With the plan catalogue the target resolves to a plan id: not the remembered answer.
    const plans = [{ id: "gig-1000", name: "1 Gig", downMbps: 1000, monthlyCents: 9500 }];
    expect(analyseRequest("upgrade me to the 1 Gig plan", { plans }).planTarget.planId).toBe("gig-1000");
  });
});
