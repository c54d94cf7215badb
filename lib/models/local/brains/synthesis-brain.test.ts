import { describe, expect, it } from "vitest";
import { synthesisPrompt, type SynthesisPayload } from "../../../contracts";
import type { BrainInput } from "../local-model";
import { synthesisBrain } from "./synthesis-brain";

function reply(payload: SynthesisPayload): string {
  const decision = synthesisBrain({ userText: synthesisPrompt(payload), system: "", results: [], toolNames: [], wantsJson: false } as unknown as BrainInput);
  if (decision.kind !== "text") throw new Error("expected text");
  return decision.text;
}

const parts = [
  { title: "Billing", status: "done", summary: "The $30 late fee was a mistake, so I've credited $30.00 to your account against invoice INV-1001-2611." },
  { title: "Technical support", status: "done", summary: "I found a fault on your line and fixed it with a remote reset." },
  { title: "Account management", status: "done", summary: "Your fastest option is the 1 Gig plan at $95.00/month." },
];

describe("local synthesis", () => {
  it("writes one reply in the customer's order, with transitions and no department labels", () => {
    const text = reply({ parts, failures: [], lowConfidence: [] });
    expect(text).not.toMatch(/^(Billing|Technical support|Account management):/m);
    const paras = text.split("\n\n");
    expect(paras).toHaveLength(3);
    expect(paras[0]).toBe(parts[0].summary);
    expect(paras[1]).toBe(`Also, ${parts[1].summary}`);
    expect(paras[2]).toBe("Finally, your fastest option is the 1 Gig plan at $95.00/month.");
  });

  it("adds nothing no worker returned, and says what failed and what a person will check", () => {
    const text = reply({ parts: [parts[0]], failures: [{ title: "Technical support" }], lowConfidence: [{ title: "Billing" }] });
    expect(text.startsWith(parts[0].summary)).toBe(true);
    expect(text).toMatch(/couldn't complete the technical support part/);
    expect(text).toMatch(/double-check the billing part/);
    expect(text).not.toMatch(/remote reset|1 Gig/);
  });

  it("keeps a summary that starts with a name as it is", () => {
    const text = reply({ parts: [parts[0], { title: "X", status: "done", summary: "Marcus Lee's account is not one I can see." }], failures: [], lowConfidence: [] });
    expect(text.split("\n\n")[1]).toBe("Marcus Lee's account is not one I can see.");
  });
});
