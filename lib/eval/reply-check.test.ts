import { describe, expect, it } from "vitest";
import { loadWorld } from "../world/fixture";
import { internalCodes, replyProblems } from "./reply-check";

const codes = internalCodes(loadWorld());

describe("the reply check", () => {
  it("finds what the article's example reply did wrong", () => {
    // The reply the issue quotes (pasted tool output), cut to its first lines.
    const pasted =
      "I noticed a problem on invoice INV-1001-2611: Late fee of $30.00 on INV-1001-2611 is not owed: INV-1001-2610 was paid in full on 2026-10-20, on or before its due date 2026-10-20 Just ask and I can credit it. Monthly price of Fiber 300 ($60.00), the plan on the account for 2026-10\nRouter rental ($10.00/month), on the account";
    const problems = replyProblems(pasted, codes);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^fragment: /),
      expect.stringMatching(/^run-on: "2026-10-20 Just"/),
      "id INV-1001-2611 2 times",
    ]));
  });

  it("finds internal codes, raw timestamps and a sentence said twice", () => {
    expect(replyProblems("Roam-intl ($85.00) is billed on your November bill.", codes)).toEqual(["internal code: roam-intl"]);
    expect(replyProblems("Your plan is now gig-1000.", codes)).toEqual(["internal code: gig-1000"]);
    expect(replyProblems("The tool answered already_booked.", codes)).toEqual(["internal code: already_booked"]);
    expect(replyProblems("Service is expected back by 2026-11-15T22:00:00Z.", codes)).toEqual(["raw timestamp"]);
    const twice = "Your line tests healthy right now. Your line tests healthy right now.";
    expect(replyProblems(twice, codes)).toEqual([expect.stringMatching(/^repeated: /)]);
  });

  it("passes a reply a careful person wrote", () => {
    const good =
      "The $30.00 late fee on your November bill isn't owed: your October bill was paid in full on its due date, so I've credited $30.00 to your account.\n\nYour plan is now Fiber 1 Gig at $90.00 a month, and a technician visit is booked for Nov 17 at 09:00 UTC (SLOT-1).";
    expect(replyProblems(good, codes)).toEqual([]);
    expect(replyProblems("", codes)).toEqual([]);
  });
});
