import { describe, expect, it } from "vitest";
import type { BrainDecision, BrainInput } from "../local-model";
import type { SeenToolResult } from "../prompt";
import { billingBrain } from "./billing-brain";
import { asksAboutCredits, asksNextBill, asksWhenDue } from "./billing-questions";

// The billing worker acts on a complaint as on a request, and answers what the customer
// asked about the bill (the next bill, credits had) from the account as it is now.

const result = (toolName: string, value: unknown): SeenToolResult => ({ toolName, toolCallId: toolName, value, isError: false });
const input = (userText: string, results: SeenToolResult[]) => ({ userText, results, system: "", toolNames: [], wantsJson: true }) as unknown as BrainInput;
const toolCalls = (d: BrainDecision) => (d.kind === "tool-calls" ? d.calls.map((c) => c.toolName) : []);
const answer = (d: BrainDecision) => {
  if (d.kind !== "text") throw new Error(`expected a result, got ${JSON.stringify(d)}`);
  return JSON.parse(d.text) as { status: string; summary: string; actions: unknown[]; confidence: number };
};

const plans = { basic: { id: "basic-100", name: "Fiber 100", monthlyCents: 4500 }, f300: { id: "fiber-300", name: "Fiber 300", monthlyCents: 6000 }, gig: { id: "gig-1000", name: "Fiber 1 Gig", monthlyCents: 9000 } };
const invoice = (id: string, period: string, lines: Array<{ kind: string; ref: string; description: string; amountCents: number }>) => ({
  id,
  period,
  dueOn: `${period}-20`,
  lines,
  totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
});
const overview = (over: Record<string, unknown>) =>
  result("get_billing_overview", { plan: plans.f300, addOns: [], invoices: [], overdueCents: 0, credits: [], creditWindow: { usedCents: 0, limitCents: 5000, remainingCents: 5000, windowDays: 30 }, ...over });

describe("a complaint that a charge is wrong asks for it to be fixed", () => {
  // Billed the old Fiber 300 price ($60) after a move down to Fiber 100 ($45).
  const MISMATCH = { invoiceId: "INV-7-2611", lineRef: "fiber-300", kind: "plan_price_mismatch", description: "Billed $60.00 (the Fiber 300 price) for 2026-11, but the account has been on Fiber 100 ($45.00): overcharged $15.00", amountCents: 1500, credited: false };
  const seen = [
    overview({ plan: plans.basic, invoices: [invoice("INV-7-2611", "2026-11", [{ kind: "plan", ref: "fiber-300", description: "Fiber 300", amountCents: 6000 }])] }),
    result("find_discrepancies", { discrepancies: [MISMATCH], explanations: [] }),
  ];

  it.each([
    "you're billing me 60 though I'm on fiber 100",
    "my plan price is 45 yet the invoice charges 60",
    "I have been on fiber 100 since october and still you charge me 60",
    "they charge 60 instead of 45",
    "I pay 60 a month but my plan costs 45",
  ])("credits: %s", (text) => {
    expect(toolCalls(billingBrain(input(text, seen)))).toEqual(["issue_credit"]);
  });

  it.each([
    "will I be billed before my plan renews?",
    "you bill on the 20th but I'm on a trip then",
    "I want to pay my bill but my plan page won't load",
    "what is on my bill this month?",
    "send me my partner's bill instead of mine",
  ])("credits nothing: %s", (text) => {
    const d = billingBrain(input(text, seen));
    expect(toolCalls(d)).toEqual([]);
    expect(answer(d).summary).toMatch(/Just ask and I can credit it/);
  });
});

describe("the next bill is the plan on the account now", () => {
  // Upgraded to the Gig after November's bill was issued at Fiber 300.
  const upgraded = [
    overview({ plan: plans.gig, invoices: [invoice("INV-8-2611", "2026-11", [{ kind: "plan", ref: "fiber-300", description: "Fiber 300", amountCents: 6000 }])] }),
    result("find_discrepancies", { discrepancies: [], explanations: [{ invoiceId: "INV-8-2611", lineRef: "fiber-300", description: "Monthly price of Fiber 300 ($60.00), the plan on the account for 2026-11", amountCents: 6000 }] }),
  ];

  it.each(["how much will I pay next month?", "what's the next invoice going to be", "does the updated price show up on my bill now?"])("%s", (text) => {
    const out = answer(billingBrain(input(text, upgraded)));
    expect(out.summary).toMatch(/^Your next bill, for December 2026, will charge \$90\.00 for your plan, Fiber 1 Gig\./);
    expect(out.summary).toMatch(/Your November 2026 bill charged Fiber 300 at \$60\.00; your plan is now Fiber 1 Gig\./);
    // Not the old invoice's line read back as the answer.
    expect(out.summary).not.toMatch(/Monthly price of Fiber 300/);
    expect(out.actions).toEqual([]);
    expect(out.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it("a credit asked for on the next bill is not a question about what it comes to", () => {
    const out = answer(billingBrain(input("I'd like a goodwill credit on my next bill for the trouble", upgraded)));
    expect(out.summary).not.toMatch(/Your next bill/);
  });

  it("adds the add-ons and names the month after the last bill, across a year end", () => {
    const seen = [
      overview({ addOns: [{ id: "router-rental", name: "Router rental", monthlyCents: 1000, since: null }], invoices: [invoice("INV-9-2612", "2026-12", [{ kind: "plan", ref: "fiber-300", description: "Fiber 300", amountCents: 6000 }])] }),
      result("find_discrepancies", { discrepancies: [], explanations: [] }),
    ];
    const out = answer(billingBrain(input("what will I be billed from now on?", seen)));
    expect(out.summary).toMatch(/^Your next bill, for January 2027, will come to \$70\.00 a month: Fiber 300 at \$60\.00 and Router rental at \$10\.00\./);
    expect(out.summary).not.toMatch(/plan is now/);
  });
});

describe("a question about credits had is answered with them", () => {
  const LATE_FEE = { invoiceId: "INV-5-2611", lineRef: "late-fee", kind: "late_fee_not_owed", description: "Late fee of $20.00 on INV-5-2611 is not owed", amountCents: 2000, credited: false };
  const invoices = [invoice("INV-5-2610", "2026-10", [{ kind: "plan", ref: "fiber-300", description: "Fiber 300", amountCents: 6000 }])];
  const withCredits = (credits: unknown[]) => [overview({ invoices, credits }), result("find_discrepancies", { discrepancies: [LATE_FEE], explanations: [] })];

  it("lists each credit with its date and what it was for, and credits nothing new", () => {
    const seen = withCredits([
      { id: "c1", invoiceId: null, amountCents: 1200, reason: "Outage goodwill credit", issuedOn: "2026-11-03", source: "manual" },
      { id: "c2", invoiceId: "INV-5-2610", amountCents: 800, reason: "Roaming pass on INV-5-2610 is not on the account", issuedOn: "2026-11-09", source: "automatic" },
    ]);
    const d = billingBrain(input("did I get any credits this month?", seen));
    expect(toolCalls(d)).toEqual([]);
    const out = answer(d);
    expect(out.summary).toMatch(
      /^In the last 30 days your account has had 2 credits: \$12\.00 on November 3, 2026 \(outage goodwill credit\); and \$8\.00 on November 9, 2026, correcting your October 2026 bill\./,
    );
    // The open late fee is still offered, not credited unasked.
    expect(out.summary).toMatch(/Just ask and I can credit it/);
    expect(out.summary.match(/INV-5-2610/g)).toBeNull();
  });

  it("says so when there were none", () => {
    const out = answer(billingBrain(input("has my account been credited lately?", withCredits([]))));
    expect(out.summary).toMatch(/^Your account has had no credits in the last 30 days\./);
  });
});

describe("a question about when a bill is due is answered with its date", () => {
  const bill = (id: string, period: string, outstandingCents: number, overdue: boolean) => ({
    ...invoice(id, period, [{ kind: "plan", ref: "fiber-300", description: "Fiber 300", amountCents: 6000 }]),
    outstandingCents,
    overdue,
  });
  const seenWith = (invoices: unknown[]) => [overview({ invoices }), result("find_discrepancies", { discrepancies: [], explanations: [] })];

  it("the open bill and its due date, not next month's amount", () => {
    const out = answer(billingBrain(input("by when do I have to pay this one?", seenWith([bill("INV-6-2610", "2026-10", 0, false), bill("INV-6-2611", "2026-11", 6000, false)]))));
    expect(out.summary).toMatch(/^Your November 2026 bill, \$60\.00, is due on November 20, 2026\./);
    expect(out.summary).not.toMatch(/October 2026|Your next bill/);
  });

  it("an overdue bill is said to be overdue", () => {
    const out = answer(billingBrain(input("what's the due date on my bill", seenWith([bill("INV-6-2610", "2026-10", 6000, true)]))));
    expect(out.summary).toMatch(/^Your October 2026 bill \(\$60\.00 still to pay\) was due on October 20, 2026 and is overdue\./);
  });

  it("nothing open", () => {
    const out = answer(billingBrain(input("when is my bill due?", seenWith([bill("INV-6-2611", "2026-11", 0, false)]))));
    expect(out.summary).toMatch(/^Every bill issued so far is paid, so nothing is due right now\./);
  });
});

describe("billing question wording", () => {
  it.each(["what day is the payment due", "when must I pay", "remind me of the due date"])("when due: %s", (t) => expect(asksWhenDue(t)).toBe(true));
  it.each(["I paid before the due date, why the late fee?", "why is my bill due so early", "you added a late fee when I paid it the day it was due"])("not when due: %s", (t) => expect(asksWhenDue(t)).toBe(false));
  it.each(["what will my bill be next month", "is the new rate on my next statement", "when does the new price hit my invoice"])("next bill: %s", (t) => expect(asksNextBill(t)).toBe(true));
  it.each(["why is my bill so high this month", "and it won't come back next month?", "I paid last month's bill", "when is my next bill due?"])("not next bill: %s", (t) => expect(asksNextBill(t)).toBe(false));
  it.each(["any credits on my account?", "what credits have been applied", "did you credit me for the outage?", "have we had a refund yet"])("credits had: %s", (t) => expect(asksAboutCredits(t)).toBe(true));
  it.each(["please credit the late fee", "can you credit me $20", "I want a credit for the outage"])("asks for a credit, not about credits had: %s", (t) => expect(asksAboutCredits(t)).toBe(false));
});
