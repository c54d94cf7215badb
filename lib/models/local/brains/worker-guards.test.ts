import { describe, expect, it } from "vitest";
import type { BrainDecision, BrainInput } from "../local-model";
import type { SeenToolResult } from "../prompt";
import { accountBrain } from "./account-brain";
import { billingBrain } from "./billing-brain";
import { techSupportBrain } from "./tech-support-brain";

// A worker acts (credit, reset, dispatch, plan change) only on what the task asks
// about our service: a request about another business that reached it by mistake,
// or a question about a correct charge, moves no money and sends no one.

const result = (toolName: string, value: unknown): SeenToolResult => ({ toolName, toolCallId: toolName, value, isError: false });
const input = (userText: string, results: SeenToolResult[]) => ({ userText, results, system: "", toolNames: [], wantsJson: true }) as unknown as BrainInput;
const toolCalls = (d: BrainDecision) => (d.kind === "tool-calls" ? d.calls.map((c) => c.toolName) : []);

const LATE_FEE = { invoiceId: "INV-1-2611", lineRef: "late-fee", kind: "late_fee_not_owed", description: "Late fee of $30.00 is not owed.", amountCents: 3000, credited: false };
const billingSeen = [
  result("get_billing_overview", { invoices: [{ id: "INV-1-2611", totalCents: 10000 }], overdueCents: 0 }),
  result("find_discrepancies", {
    discrepancies: [LATE_FEE],
    explanations: [{ invoiceId: "INV-1-2611", lineRef: "router-rental", description: "Router rental ($10.00/month), on the account" }],
  }),
];

describe("billing worker credits only what the task points at", () => {
  it.each([
    "the late fee on my bill is wrong, I paid on time",
    "refund the $30 please",
    "my bill looks higher than it should be, please fix it",
    "remove that charge", // a part of a longer message, pointing back at it
    "my bank shows the payment left on the due date, so take the late fee off",
  ])("credits: %s", (text) => {
    expect(toolCalls(billingBrain(input(text, billingSeen)))).toEqual(["issue_credit"]);
  });

  it.each([
    "why is there a router rental charge on my bill? take it off", // a correct charge of ours
    "the restaurant charged my card twice, refund it", // another business
    "raise the credit limit on my card",
  ])("credits nothing: %s", (text) => {
    const d = billingBrain(input(text, billingSeen));
    expect(toolCalls(d)).toEqual([]);
    expect(d.kind === "text" && JSON.parse(d.text).summary).toMatch(/INV-1-2611/);
  });
});

describe("technical support acts on a reported fault only", () => {
  const downSeen = [
    result("run_line_test", { lineStatus: "down", downMbps: 0, packetLossPct: 100, latencyMs: null }),
    result("check_outage", { outage: null }),
  ];
  it("resets a line the customer says is down", () => {
    expect(toolCalls(techSupportBrain(input("my internet is down since last night", downSeen)))).toEqual(["remote_reset"]);
  });
  it.each([
    "my car won't start, can someone come and look at it",
    "the dishwasher repair guy never came",
    // scores as ours with the classifier, but reports no fault of our service
    "turn off the living room lights",
  ])("changes nothing: %s", (text) => {
    const d = techSupportBrain(input(text, downSeen));
    expect(toolCalls(d)).toEqual([]);
    expect(d.kind === "text" && JSON.parse(d.text).actions).toEqual([]);
  });
  it("says what it saw and asks, when a down line comes up without a fault report", () => {
    const d = techSupportBrain(input("my car won't start, can someone come and look at it", downSeen));
    expect(d.kind === "text" && JSON.parse(d.text).summary).toMatch(/tests down .* haven't changed anything/);
  });
});

describe("account worker changes only our plan", () => {
  const seen = [
    result("get_profile", { plan: { id: "fiber-300" }, contractEndsOn: "2026-05-31" }),
    result("list_plans", {
      plans: [
        { id: "basic-100", name: "Fiber 100", downMbps: 100, monthlyCents: 4500 },
        { id: "fiber-300", name: "Fiber 300", downMbps: 300, monthlyCents: 6000 },
      ],
    }),
  ];
  it("quotes a downgrade of our plan before changing it", () => {
    expect(toolCalls(accountBrain(input("I want to switch to a cheaper plan", seen)))).toEqual(["quote_plan_change"]);
  });
  it("leaves another business's plan alone", () => {
    expect(toolCalls(accountBrain(input("I want to switch my car insurance to a cheaper plan", seen)))).toEqual([]);
  });
});

// A tool that errors did nothing: its error is never told as a refusal or as an outcome.
describe("a side-effecting tool's error is reported as a failure of ours", () => {
  const failed = (toolName: string): SeenToolResult => ({ toolName, toolCallId: toolName, value: { error: "internal", message: `${toolName} failed unexpectedly; nothing was changed` }, isError: true });
  const summary = (d: BrainDecision) => (d.kind === "text" ? JSON.parse(d.text) : null);

  it("billing: no 'the billing system refused it', nothing claimed credited", () => {
    const out = summary(billingBrain(input("the late fee on my bill is wrong, I paid on time", [...billingSeen, failed("issue_credit")])));
    expect(out.summary).not.toMatch(/refused|credited \$/);
    expect(out.summary).toMatch(/problem on our side/);
    expect(out.actions).toEqual([expect.objectContaining({ type: "credit", status: "failed" })]);
    expect(out.confidence).toBeLessThan(0.7); // a person follows up
  });

  it("account: no 'the account is not eligible', the plan stays", () => {
    const plans = [{ id: "basic-100", name: "Fiber 100", downMbps: 100, monthlyCents: 4000 }, { id: "fiber-300", name: "Fiber 300", downMbps: 300, monthlyCents: 5500 }];
    const out = summary(accountBrain(input("Please move me down to Fiber 100.", [
      result("get_profile", { plan: { id: "fiber-300" }, contractEndsOn: "2027-06-30" }),
      result("list_plans", { plans }),
      result("quote_plan_change", { toPlan: { id: "basic-100" }, feeCents: 0, decision: "allowed" }),
      failed("change_plan"),
    ])));
    expect(out.summary).not.toMatch(/not eligible|your plan is now/);
    expect(out.summary).toMatch(/problem on our side/);
    expect(out.confidence).toBeLessThan(0.7);
  });
});
