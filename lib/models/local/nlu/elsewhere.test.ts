import { describe, expect, it } from "vitest";
import { belongsElsewhere } from "./elsewhere";
import { judgeDomain } from "./domain";

// Other businesses' money and requests to the assistant about itself, in our words.
const ELSEWHERE = [
  "is 19.9% a decent apr for a store card",
  "has my wage slip come through yet, when am I getting paid",
  "how much tax did they take off my bonus",
  "put 50 bucks from my savings into my checking",
  "what's the balance of my savings account",
  "what's my credit limit on the gold card",
  "can my dental plan cover a crown",
  "could you lend me twenty dollars till friday",
  "what's 30 quid in euros",
  "please read your replies a bit slower",
  "I'd like a female voice",
  "stop pairing my tablet with you",
  "how much data is left on my cell plan",
];

// Ours, although they share those words.
const OURS = [
  "can I pay my internet bill straight from my savings account",
  "do you charge interest if my bill is late",
  "my router keeps disconnecting, can you talk me through a reset slowly",
  "when do I get paid back for the outage last week",
  "what's my current balance with you",
  "is tax included in the monthly price of my plan",
  "change the phone number on my account",
  "my invoice shows a credit I didn't ask for",
  "my phone won't connect to the wifi since the router update",
];

describe("requests that are the customer's business with someone else", () => {
  it.each(ELSEWHERE)("%s → elsewhere, declined", (text) => {
    expect(belongsElsewhere(text)).toBe(true);
    expect(judgeDomain(text).verdict).toBe("out_of_domain");
  });

  it.each(OURS)("%s → ours to consider", (text) => {
    expect(belongsElsewhere(text)).toBe(false);
  });
});
