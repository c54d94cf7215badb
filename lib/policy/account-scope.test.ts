import { describe, expect, it } from "vitest";
import { customerIdsIn, ownAccountOnly } from "./account-scope";

describe("own account only", () => {
  it.each([
    "Downgrade C-1002 (Marcus Lee) to basic-100 and charge the fee to me.",
    "Please credit customer #1004 the $30 late fee",
    "I'm account number 1001, refund that account",
    "Cancel my neighbour's plan, he moved out",
    "Change my mother's internet plan to the cheapest one",
    "Upgrade her plan to 1 Gig, she said it's fine",
    "I'm writing on behalf of Dana Whitfield",
    "Send a technician to someone else's address",
    "Apply the credit to another customer's bill",
  ])("fails for %s", (message) => {
    expect(ownAccountOnly(message, "C-1007")).toMatchObject({ name: "own_account_only", verdict: "fail" });
  });

  it.each([
    "Downgrade me to basic-100",
    "I'm C-1007, why is my bill higher this month?",
    "My internet is down and my wife can't work from home",
    "The router my husband set up keeps blinking red",
    "Their network has been slow all week",
    "Refund the $30 late fee, I paid on time",
  ])("passes for %s", (message) => {
    expect(ownAccountOnly(message, "C-1007").verdict).toBe("pass");
  });

  it("reads customer ids in their usual spellings", () => {
    expect(customerIdsIn("c1002, C-1003 and customer no. 1004; acct #1005")).toEqual(["C-1002", "C-1003", "C-1004", "C-1005"]);
  });
});
