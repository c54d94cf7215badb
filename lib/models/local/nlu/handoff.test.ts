import { describe, expect, it } from "vitest";
import { asksForPerson, inDistress, praisesOnly, sameAsk, saysRepeated } from "./handoff";

describe("when the customer needs a person", () => {
  it.each([
    "could I please chat with one of your agents",
    "put me through to somebody in billing, a real human",
    "I'd rather deal with a person than a bot",
    "HUMAN!!!",
    "just get me a supervisor",
    "have someone phone me this afternoon",
    "can u call me back later",
    "I want to escalate my case",
    "I wish to lodge a complaint",
    "quiero hablar con un agente",
  ])("asks for one: %s", (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each([
    "is it a human I'm writing to?",
    "are you a robot?",
    "please call me Jo",
    "there's a human error in my invoice",
    "my bank agent told me the payment left on the 3rd",
    "my personal email has changed",
    "the engineer who came was a lovely person",
  ])("does not ask for one: %s", (text) => {
    expect(asksForPerson(text)).toBe(false);
  });

  it("reads distress about the help itself, not about the line", () => {
    expect(inDistress("honestly you are completely useless")).toBe(true);
    expect(inDistress("no one ever answers, I give up")).toBe(true);
    expect(inDistress("my wifi is useless upstairs")).toBe(false);
    expect(inDistress("the speed has been terrible this week")).toBe(false);
  });

  it("hears the customer say they asked before", () => {
    expect(saysRepeated("for the fourth time, where is my refund")).toBe(true);
    expect(saysRepeated("I've asked you several times to fix this")).toBe(true);
    expect(saysRepeated("is this the first time there's been an outage here?")).toBe(false);
  });

  it("knows praise that asks for nothing", () => {
    expect(praisesOnly("the lady on the phone yesterday was so helpful, thanks for that")).toBe(true);
    expect(praisesOnly("thank you for sorting the bill, but the wifi still drops")).toBe(false);
    expect(praisesOnly("the engineer was friendly; when is my next bill?")).toBe(false);
  });

  it("tells the same ask in other words from another ask", () => {
    expect(sameAsk("why is my bill so high this month", "my bill is still so high, why")).toBe(true);
    expect(sameAsk("why is my bill so high this month", "when does my contract end")).toBe(false);
  });
});
