import { formatCents } from "../../../money";
import { spokenDates } from "./common";

// Questions about the bill that are neither a fix nor a check of the charges: what the
// next bill will come to, when a bill is due, and which credits the account has had. Each
// is answered from get_billing_overview, which reads the account as it is now (a plan
// changed earlier in the conversation included), never from the last invoice alone.

/** The billing overview as these answers read it (a subset of get_billing_overview's output). */
export interface BillingOverview {
  plan?: { name?: string; monthlyCents?: number };
  addOns?: Array<{ name?: string; monthlyCents?: number }>;
  invoices?: Array<{
    id?: string;
    period?: string;
    dueOn?: string;
    outstandingCents?: number;
    overdue?: boolean;
    lines?: Array<{ kind?: string; description?: string; amountCents?: number }>;
  }>;
  credits?: Array<{ invoiceId?: string | null; amountCents?: number; reason?: string; issuedOn?: string }>;
  creditWindow?: { windowDays?: number };
}

/**
 * Asks what a coming bill will be: "what will my next bill come to", "when will I see
 * the new price on my bill", "how much will I pay next month".
 */
const NEXT_BILL =
  /\bnext (?:bill|invoice|statement|payment|month'?s (?:bill|invoice|statement|charges?|payment))\b|\b(?:new|updated|changed|higher|lower) (?:price|rate|plan|amount|monthly (?:price|charge|cost))\b[^.?!]{0,40}\b(?:bill|invoice|statement)\b|\b(?:bill|invoice|statement)\b[^.?!]{0,30}\b(?:new|updated|changed) (?:price|rate|plan|amount)\b|\b(?:bill|invoice|pay|charged|billed|cost)\b[^.?!]{0,25}\b(?:next month|from now on|going forward|in future|from next month)\b|\b(?:next month|from now on|going forward|from next month)\b[^.?!]{0,25}\b(?:bill|invoice|pay|charg|cost)/i;

/**
 * Asks about credits the account has had (not for a new one): "have I had any credits
 * recently?", "what credits are on my account", "did you credit me for the outage?".
 */
const CREDITS_HAD =
  /\b(?:any|what|which|how many|recent|past|previous|earlier|existing|those|my)\s+(?:\w+\s+)?credits\b|\bcredit history\b|\bcredits?\b[^.?!]{0,25}\b(?:applied|issued|given|received|gone through|went through|on (?:my|the) (?:account|bill))\b[^.?!]*\?|(?:^|[.?!,;]\s*|\b(?:and|so|also|but|ok|okay)\s+)(?:have|has|had|did|was|were|is there|are there)\s+(?:i|we|you|my account|it|that|there)\b[^.?!]{0,30}\b(?:credit(?:s|ed)?|refund(?:s|ed)?)\b/i;

export const asksAboutCredits = (text: string) => CREDITS_HAD.test(text);

/** When a bill is due is another question ("what date is my next bill due"): the amount is not its answer. */
const DUE_DATE = /\b(?:due|date|deadline|paid by|pay (?:it |that )?by)\b/i;

export const asksNextBill = (text: string) => NEXT_BILL.test(text) && !DUE_DATE.test(text);

/** Asks when a bill must be paid: "what date is my bill due", "when do I have to pay by". */
const WHEN_DUE =
  /(?:^\s*|[.?!,;:]\s*|\b(?:and|so|also|but|then|me|know|ask|remind me|hi|hello|hey|ok|okay)\s+)(?:when|what date|which date|what day|which day|by when)\b[^.?!]{0,40}\b(?:due|paid by|pay (?:it |that |this |my bill |the bill )?by|deadline)\b|\b(?:what(?:'s| is)|tell me|remind me(?: of)?|give me) (?:the |my )?(?:bill'?s? |payment )?due date\b|\b(?:when|by when) (?:do|should|must|will) i (?:have to |need to )?pay\b/i;

export const asksWhenDue = (text: string) => WHEN_DUE.test(text);

/** The bills still to pay, oldest first, each with its due date (or that none is open). */
export function dueSentence(overview: BillingOverview): string {
  const open = (overview.invoices ?? []).filter((i) => (i.outstandingCents ?? 0) > 0 && i.dueOn && i.period);
  if (!open.length) return "Every bill issued so far is paid, so nothing is due right now.";
  return open
    .map((i) =>
      i.overdue
        ? `Your ${spokenDates(i.period!)} bill (${formatCents(i.outstandingCents!)} still to pay) was due on ${spokenDates(i.dueOn!)} and is overdue.`
        : `Your ${spokenDates(i.period!)} bill, ${formatCents(i.outstandingCents!)}, is due on ${spokenDates(i.dueOn!)}.`,
    )
    .join(" ");
}

/** "2026-11" → "December 2026": the month after an invoice period. */
function followingMonth(period: string): string | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return undefined;
  const [year, month] = [Number(m[1]), Number(m[2])];
  return spokenDates(month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`);
}

/**
 * The next bill at the plan and add-ons on the account now: after a plan change it is the
 * new plan's price, which the last invoice (issued before the change) cannot show.
 */
export function nextBillSentence(overview: BillingOverview): string | null {
  const plan = overview.plan;
  if (!plan?.name || plan.monthlyCents === undefined) return null;
  const addOns = (overview.addOns ?? []).filter((a) => a.name && a.monthlyCents !== undefined);
  const total = plan.monthlyCents + addOns.reduce((s, a) => s + (a.monthlyCents ?? 0), 0);
  const last = overview.invoices?.at(-1);
  const month = last?.period ? followingMonth(last.period) : undefined;
  const which = month ? `Your next bill, for ${month},` : "Your next bill";
  const parts = [`${plan.name} at ${formatCents(plan.monthlyCents)}`, ...addOns.map((a) => `${a.name} at ${formatCents(a.monthlyCents!)}`)];
  const what = addOns.length ? `will come to ${formatCents(total)} a month: ${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : `will charge ${formatCents(plan.monthlyCents)} for your plan, ${plan.name}`;
  const billed = last?.lines?.find((l) => l.kind === "plan");
  // The plan the last bill charged is no longer the plan on the account: say so, or the
  // customer reads the old price off the old bill.
  const changed =
    billed?.description && billed.description !== plan.name && last?.period
      ? ` Your ${spokenDates(last.period)} bill charged ${billed.description} at ${formatCents(billed.amountCents ?? 0)}; your plan is now ${plan.name}.`
      : "";
  return `${which} ${what}.${changed}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The credits of the overview's window, each with its date and what it was for. */
export function creditsHadSentence(overview: BillingOverview): string {
  const days = overview.creditWindow?.windowDays ?? 30;
  const credits = (overview.credits ?? []).filter((c) => c.amountCents !== undefined);
  if (!credits.length) return `Your account has had no credits in the last ${days} days.`;
  const periods = new Map((overview.invoices ?? []).map((i) => [i.id, i.period]));
  const one = (c: (typeof credits)[number]) => {
    const when = c.issuedOn ? ` on ${spokenDates(c.issuedOn)}` : "";
    // A credit against an invoice carries the discrepancy's wording (ids and dates of
    // the audit record): the bill it corrected is said instead.
    const period = c.invoiceId ? periods.get(c.invoiceId) : undefined;
    const why = c.invoiceId
      ? `, correcting your ${period ? spokenDates(period) : "earlier"} bill`
      : c.reason
        ? ` (${lowerFirst(c.reason.replace(/\.$/, ""))})`
        : "";
    return `${formatCents(c.amountCents!)}${when}${why}`;
  };
  const list = credits.map(one);
  const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join("; ")}; and ${list.at(-1)}`;
  return credits.length === 1
    ? `In the last ${days} days your account has had one credit: ${joined}.`
    : `In the last ${days} days your account has had ${credits.length} credits: ${joined}.`;
}
