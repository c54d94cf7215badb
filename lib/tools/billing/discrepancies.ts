import { dollars } from "../../policy/guardrails";
import type { AccountFacts, InvoiceView } from "../account";

// Discrepancy detection: every invoice line is either a charge that does not match the
// account (plan, add-ons, payment dates, plan-change dates) or a valid charge with an
// explanation taken from the same facts. Pure: the tools pass in the loaded account.

export type DiscrepancyKind = "late_fee_not_owed" | "addon_not_on_account" | "plan_price_mismatch";

export interface Discrepancy {
  invoiceId: string;
  lineRef: string;
  kind: DiscrepancyKind;
  description: string;
  /** What the customer was overcharged: the amount a credit for it must have. */
  amountCents: number;
  /** A credit of this amount already exists on the invoice. */
  credited: boolean;
}

export interface Explanation {
  invoiceId: string;
  lineRef: string;
  description: string;
  amountCents: number;
}

/** "2026-11" → "2026-10" */
function previousPeriod(period: string): string {
  const [y, m] = period.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

function periodBounds(period: string): { start: string; end: string } {
  const [y, m] = period.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, "0")}` };
}

type LineVerdict = { kind: DiscrepancyKind; amountCents: number; description: string } | { explanation: string };

function checkPlanLine(account: AccountFacts, inv: InvoiceView, amountCents: number): LineVerdict {
  const { start, end } = periodBounds(inv.period);
  // The plans as billed: a change made by another part of this run is not on any invoice.
  const { billedPlan } = account;
  const current = account.plans.find((p) => p.id === billedPlan.planId) ?? account.plan;
  const previous = account.plans.find((p) => p.id === billedPlan.previousPlanId);
  const changed = billedPlan.changedOn;
  // The plan in force for the period: a change dated after the period still bills the
  // old plan; a change inside the period may bill either price (the change month).
  const valid = !changed || changed <= start || !previous ? [current] : changed > end ? [previous] : [previous, current];
  if (valid.some((p) => p.monthlyCents === amountCents)) {
    const p = valid.find((v) => v.monthlyCents === amountCents)!;
    return { explanation: `Monthly price of ${p.name} (${dollars(p.monthlyCents)}), the plan on the account for ${inv.period}` };
  }
  const expected = valid[valid.length - 1];
  if (amountCents < expected.monthlyCents) {
    return { explanation: `Billed ${dollars(amountCents)} for ${expected.name}, below its ${dollars(expected.monthlyCents)} price: nothing is owed back` };
  }
  const billed = account.plans.find((p) => p.monthlyCents === amountCents);
  const since = changed && previous && changed <= start ? ` since ${changed}` : "";
  return {
    kind: "plan_price_mismatch",
    amountCents: amountCents - expected.monthlyCents,
    description:
      `Billed ${dollars(amountCents)}${billed ? ` (the ${billed.name} price)` : ""} for ${inv.period}, but the account has been on ` +
      `${expected.name} (${dollars(expected.monthlyCents)})${since}: overcharged ${dollars(amountCents - expected.monthlyCents)}`,
  };
}

function checkAddOnLine(account: AccountFacts, inv: InvoiceView, ref: string, amountCents: number, billedAs: string): LineVerdict {
  const { end } = periodBounds(inv.period);
  const addOn = account.addOns.find((a) => a.id === ref);
  if (!addOn || (addOn.since && addOn.since > end)) {
    return {
      kind: "addon_not_on_account",
      amountCents,
      // Named as the invoice names it (the customer's word for it), never by its code.
      description: `${addOn?.name ?? billedAs} (${dollars(amountCents)}) is billed on ${inv.id} but that add-on is not on the account${addOn?.since ? ` before ${addOn.since}` : ""}`,
    };
  }
  return {
    explanation: `${addOn.name} (${dollars(addOn.monthlyCents)}/month), on the account${addOn.since ? ` since ${addOn.since}` : ""}`,
  };
}

function checkLateFee(account: AccountFacts, inv: InvoiceView, amountCents: number): LineVerdict {
  const prevPeriod = previousPeriod(inv.period);
  const prev = account.invoices.find((i) => i.period === prevPeriod);
  if (!prev) {
    return { kind: "late_fee_not_owed", amountCents, description: `Late fee on ${inv.id} but there is no ${prevPeriod} invoice that could have been paid late` };
  }
  if (prev.paidOn && prev.paidOn <= prev.dueOn) {
    return {
      kind: "late_fee_not_owed",
      amountCents,
      description: `Late fee of ${dollars(amountCents)} on ${inv.id} is not owed: ${prev.id} was paid in full on ${prev.paidOn}, on or before its due date ${prev.dueOn}`,
    };
  }
  return {
    explanation: prev.paidOn
      ? `Late fee: ${prev.id} (due ${prev.dueOn}) was paid late, on ${prev.paidOn}`
      : `Late fee: ${prev.id} (due ${prev.dueOn}) has not been paid`,
  };
}

function checkLine(account: AccountFacts, inv: InvoiceView, line: InvoiceView["lines"][number]): LineVerdict {
  if (line.kind === "plan") return checkPlanLine(account, inv, line.amountCents);
  if (line.kind === "addon") return checkAddOnLine(account, inv, line.ref, line.amountCents, line.description);
  if (line.kind === "fee" && line.ref === "late-fee") return checkLateFee(account, inv, line.amountCents);
  return { explanation: `${line.description} (${dollars(line.amountCents)})` };
}

/** Discrepancies and explanations for the given invoices (default: all of the account's). */
export function findDiscrepancies(account: AccountFacts, invoiceIds?: string[]): { discrepancies: Discrepancy[]; explanations: Explanation[] } {
  const discrepancies: Discrepancy[] = [];
  const explanations: Explanation[] = [];
  for (const inv of account.invoices) {
    if (invoiceIds && !invoiceIds.includes(inv.id)) continue;
    // A credit on the invoice settles one discrepancy of the same amount (credits carry
    // no line reference; amounts identify them well enough within one invoice).
    const unmatchedCredits = account.credits.filter((c) => c.invoiceId === inv.id).map((c) => c.amountCents);
    for (const line of inv.lines) {
      const v = checkLine(account, inv, line);
      if ("explanation" in v) {
        explanations.push({ invoiceId: inv.id, lineRef: line.ref, description: v.explanation, amountCents: line.amountCents });
        continue;
      }
      const i = unmatchedCredits.indexOf(v.amountCents);
      if (i >= 0) unmatchedCredits.splice(i, 1);
      discrepancies.push({ invoiceId: inv.id, lineRef: line.ref, kind: v.kind, description: v.description, amountCents: v.amountCents, credited: i >= 0 });
    }
  }
  return { discrepancies, explanations };
}
