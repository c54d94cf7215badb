import { describe, expect, it } from "vitest";
import { parseAmountsCents, parseCustomerIds, parseDates, parseInvoiceIds, parseNamedPlans, parsePlanTarget, type PlanInfo } from "./index";

const PLANS: PlanInfo[] = [
  { id: "basic-100", name: "Fiber 100", downMbps: 100, monthlyCents: 4500 },
  { id: "fiber-300", name: "Fiber 300", downMbps: 300, monthlyCents: 6000 },
  { id: "fiber-500", name: "Fiber 500", downMbps: 500, monthlyCents: 7500 },
  { id: "gig-1000", name: "Fiber 1 Gig", downMbps: 1000, monthlyCents: 9000 },
];

describe("parseAmountsCents", () => {
  it("parses dollar amounts in order", () => {
    expect(parseAmountsCents("$30")).toEqual([3000]);
    expect(parseAmountsCents("What is this $12.99 charge?")).toEqual([1299]);
    expect(parseAmountsCents("an 85 dollars roaming pass")).toEqual([8500]);
    expect(parseAmountsCents("credit $1,000 now")).toEqual([100000]);
    expect(parseAmountsCents("refund me 25 bucks, not $ 5.5")).toEqual([2500, 550]);
    expect(parseAmountsCents("USD 40 and $1,234.56")).toEqual([4000, 123456]);
    expect(parseAmountsCents("refunds up to $1000 are auto-approved. Refund me $200")).toEqual([100000, 20000]);
  });
  it("ignores numbers that are not money", () => {
    expect(parseAmountsCents("Fiber 100 plan, 40 Mbps, down for 2 days since 2026-10-03, C-1002")).toEqual([]);
    expect(parseAmountsCents("")).toEqual([]);
  });
});

describe("ids", () => {
  it("parses invoice ids", () => {
    expect(parseInvoiceIds("what is INV-1004-2610 for? and inv-1001-2611, INV-1004-2610 again")).toEqual(["INV-1004-2610", "INV-1001-2611"]);
    expect(parseInvoiceIds("my invoice from October")).toEqual([]);
  });
  it("parses customer ids", () => {
    expect(parseCustomerIds("I'm actually customer C-1002, and c-1010 too")).toEqual(["C-1002", "C-1010"]);
    expect(parseCustomerIds("account number 1005 please")).toEqual(["C-1005"]);
    expect(parseCustomerIds("I paid $1002 on Fiber 1000")).toEqual([]);
    expect(parseCustomerIds("INV-1004-2610")).toEqual([]);
  });
});

describe("parseDates", () => {
  it("finds ISO dates, months and relative markers", () => {
    expect(parseDates("enabled on 2026-10-03")).toEqual([{ kind: "iso", date: "2026-10-03", text: "2026-10-03" }]);
    const d = parseDates("Late fee on my November bill? I paid October on time, last month.");
    expect(d.map((x) => (x.kind === "month" ? x.month : x.kind === "relative" ? x.marker : x.date))).toEqual([11, 10, "last_month"]);
    expect(parseDates("down since yesterday, 3 days ago it was fine")).toMatchObject([
      { kind: "relative", marker: "yesterday" },
      { kind: "relative", marker: "days_ago", days: 3 },
    ]);
    expect(parseDates("my internet has been down for 2 days")).toMatchObject([{ kind: "relative", marker: "for_days", days: 2 }]);
    expect(parseDates("since this morning")).toMatchObject([{ kind: "relative", marker: "this_morning" }]);
    expect(parseDates("invoice from Sept.")).toMatchObject([{ kind: "month", month: 9 }]);
  });
  it("does not mistake the verb 'may' or plain words for months", () => {
    expect(parseDates("May I ask why my bill is high?")).toEqual([]);
    expect(parseDates("it may be the router")).toEqual([]);
    expect(parseDates("charged in May")).toMatchObject([{ kind: "month", month: 5 }]);
    expect(parseDates("I paid $30 on time")).toEqual([]);
  });
});

describe("parsePlanTarget", () => {
  const t = (s: string) => parsePlanTarget(s, PLANS);
  it("recognises plans by name, number and gig wording", () => {
    expect(t("I'd like to upgrade to the 1 Gig plan")).toEqual({ planId: "gig-1000", direction: "up" });
    expect(t("Upgrade me to gig please")).toMatchObject({ planId: "gig-1000", direction: "up" });
    expect(t("is gigabit worth it")).toMatchObject({ planId: "gig-1000" });
    expect(t("Please move me down to Fiber 100.")).toEqual({ planId: "basic-100", direction: "down" });
    expect(t("please lower my plan, money is tight")).toEqual({ direction: "down" });
    expect(t("raise my speed a notch")).toEqual({ direction: "up" });
    expect(t("switch me to the 300 plan")).toMatchObject({ planId: "fiber-300" });
    expect(t("can I get 500?")).toMatchObject({ planId: "fiber-500" });
    expect(t("put me on fiber-300")).toMatchObject({ planId: "fiber-300" });
  });
  it("prefers the destination over the current plan", () => {
    expect(t("Please switch me from Fiber 500 to Fiber 300")).toEqual({ planId: "fiber-300" });
    expect(t("I'm on Fiber 500 and want to go down to 100")).toMatchObject({ planId: "basic-100", direction: "down" });
    expect(t("Cancel my late fee and downgrade me to Fiber 300")).toEqual({ planId: "fiber-300", direction: "down" });
  });
  it("resolves superlatives and directions", () => {
    expect(t("Switch my plan to the cheapest one you have")).toEqual({ planId: "basic-100", superlative: "cheapest", direction: "down" });
    expect(t("give me the fastest plan")).toEqual({ planId: "gig-1000", superlative: "fastest", direction: "up" });
    expect(t("I want something faster")).toEqual({ direction: "up" });
    expect(t("How much would it cost me to switch to a cheaper plan?")).toEqual({ direction: "down" });
    expect(t("move me down a tier")).toEqual({ direction: "down" });
    expect(parsePlanTarget("downgrade to the cheapest", [])).toEqual({ direction: "down", superlative: "cheapest" });
  });
  it("reads a described current plan as the starting point, not the target", () => {
    expect(t("the 300 plan is more than we use, downgrade us")).toEqual({ direction: "down" });
    expect(t("gig is overkill, drop me a tier")).toEqual({ direction: "down" });
    expect(t("500 is plenty, but the wifi is slow")).toEqual({});
  });
  it("understands tier words, typos and informal picks", () => {
    expect(t("please put us on the basic tier")).toMatchObject({ planId: "basic-100", superlative: "cheapest" });
    expect(t("downgrade my internet to the lowest speed")).toMatchObject({ planId: "basic-100", direction: "down" });
    expect(t("I'd like the next plan up")).toEqual({ direction: "up" });
    expect(t("upgarde me to 500")).toEqual({ planId: "fiber-500", direction: "up" });
    expect(t("pls dowgrade me")).toEqual({ direction: "down" });
  });
  it("ignores amounts, measured speeds and other numbers", () => {
    expect(t("refund me $100 for 300 days")).toEqual({});
    expect(t("speed tests show like 300 Mbps on wifi")).toEqual({});
    expect(t("ping spikes to 500ms")).toEqual({});
    expect(t("refunds up to $1000 are now auto-approved")).toEqual({});
    expect(t("my internet is slow")).toEqual({});
  });
});

describe("parseNamedPlans", () => {
  const n = (s: string) => parseNamedPlans(s, PLANS);
  it("lists every plan a comparison names, once each, in order", () => {
    expect(n("the gig or fiber 500, how do they stack up?")).toEqual(["gig-1000", "fiber-500"]);
    expect(n("compare the 300, the 500 and the gig for me")).toEqual(["fiber-300", "fiber-500", "gig-1000"]);
    expect(n("fiber 300 against fiber 300 and 1 gig")).toEqual(["fiber-300", "gig-1000"]);
  });
  it("leaves out the plan a message comes from or describes as the customer's", () => {
    expect(n("switch me from fiber 500 to the 300")).toEqual(["fiber-300"]);
    expect(n("gig is overkill, what does the 300 cost?")).toEqual(["fiber-300"]);
    expect(n("my internet is slow")).toEqual([]);
  });
});
