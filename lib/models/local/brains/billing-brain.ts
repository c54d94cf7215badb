import { formatCents } from "../../../money";
import type { WorkerResult } from "../../../contracts";
import type { Brain } from "../local-model";
import { analyseRequest, classifyIntents, namesAnotherBusiness, parseAmountsCents, parseInvoiceIds } from "../nlu";
import { asksAboutCredits, asksNextBill, asksWhenDue, creditsHadSentence, dueSentence, nextBillSentence } from "./billing-questions";
import { allOf, call, calls, combineConfidence, finish, latest, OWN_ACCOUNT_ONLY, refuseOutOfScope, spokenDates, spokenTime, withheld } from "./common";

interface Discrepancy { invoiceId: string; lineRef: string; kind: string; description: string; amountCents: number; credited?: boolean }

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** How a customer names each kind of wrong charge. */
const KIND_WORDS: Record<string, RegExp> = {
  late_fee_not_owed: /\blate\b|\bpenalt|\bpaid (?:it |that |the bill )?(?:on time|early|before|in time)\b/i,
  addon_not_on_account: /\broaming\b|\bstream(?:\+| ?plus)|\badd-?ons?\b|\brouter rental\b|\brental\b|\bpass\b/i,
  plan_price_mismatch: /\bplan\b|\bprice\b|\brate\b|\btier\b|\bfiber ?\d|\bold\b|\bprevious\b|\bswitched\b|\bmoved\b|\bdowngrad|\bupgrad/i,
};
/** The bill, or a charge on it, in general: "check my bill", "remove that charge". */
const OUR_BILL = /\b(?:bills?|invoices?|statements?|billing|billed|overcharg\w*|charge[sd]?|fees?|penalt(?:y|ies)|line items?)\b/i;
/** "charged twice", "double charged", "billed me two times": a claim the reply must answer before anything else. */
const CHARGED_TWICE = /\b(?:charged|billed)\s+(?:me\s+|us\s+)?(?:twice|two times|double)\b|\bdouble[- ]?(?:charg|bill)\w*|\btwo (?:charges|payments) for\b/i;

// A charge set against what it should be: "I'm being charged 75 but my plan is only 60",
// "my plan is 60 yet you bill me 75", "billed for fiber 500 though I'm on 300". A complaint
// that a charge is wrong asks for it to be put right as much as "please fix it" does; the
// figures may come without a currency sign, so the wording carries it, not the amounts.
const CHARGED = String.raw`(?:charg(?:e|es|ed|ing)|bill(?:s|ed|ing)?|invoic(?:e|es|ed|ing)|paying|pay(?= \$?\d))`;
const SHOULD_BE = String.raw`(?:(?:my|the|our) (?:plan|package|tier|price|rate)(?: price)? (?:is|costs?|was|says)|(?:i'm|i am|i've been|i have been|we're|we are) (?:only |actually |still )?on (?:the |a |my )?(?:fiber|gig|basic|\$?\d|plan|cheaper|lower|slower|smaller|new|old|previous)|(?:it|that|this|the (?:price|charge|bill)) (?:should|is supposed to|was supposed to|ought to) (?:be|cost|only be)|i (?:switched|moved|changed|downgraded|upgraded|signed up|agreed))`;
const CHARGE_AGAINST_EXPECTED: RegExp[] = [
  new RegExp(String.raw`\b${CHARGED}\b[^.?!]{0,40}\b(?:but|yet|though|although|even though|whereas)\b[^.?!]{0,15}\b${SHOULD_BE}`, "i"),
  new RegExp(String.raw`\b${SHOULD_BE}\b[^.?!]{0,40}\b(?:but|yet|and yet|and still)\b[^.?!]{0,30}\b${CHARGED}`, "i"),
  // a figure billed in place of another: "charged 75 instead of 60" (not "show me her bill instead of mine")
  new RegExp(String.raw`\b${CHARGED}\b[^.?!]{0,25}\d[^.?!]{0,15}\binstead of (?:the |my )?(?:\$?\d|fiber|plan|price)`, "i"),
];
const complainsOfCharge = (text: string) => CHARGE_AGAINST_EXPECTED.some((re) => re.test(text.replace(/[\u2018\u2019`]/g, "'")));

/**
 * The confirmed discrepancies a message asks about: those whose amount or invoice it
 * names, else those of the kind of charge it names (a late fee, the roaming pass, the
 * plan price), else, when it only speaks of its bill in general, all of them. A
 * message that names a charge of ours that is correct ("what's the router rental?")
 * or none at all ("raise the credit limit on my card") points at none: money is
 * never credited for a charge the customer did not ask about.
 */
function pointedAt(text: string, discrepancies: Discrepancy[]): Discrepancy[] {
  const amounts = parseAmountsCents(text);
  const byAmount = discrepancies.filter((d) => amounts.includes(d.amountCents));
  if (byAmount.length) return byAmount;
  // The amount the customer sees billed, not the overcharge: "why am I paying $75?" of a
  // $75 line that should be $60 points at that line's $15 discrepancy.
  const byBilled = discrepancies.filter((d) => amounts.some((a) => d.description.includes(formatCents(a))));
  if (byBilled.length) return byBilled;
  const invoices = parseInvoiceIds(text);
  const byInvoice = discrepancies.filter((d) => invoices.includes(d.invoiceId));
  if (byInvoice.length) return byInvoice;
  const byKind = discrepancies.filter((d) => KIND_WORDS[d.kind]?.test(text));
  if (byKind.length) return byKind;
  if (Object.values(KIND_WORDS).some((re) => re.test(text))) return [];
  return OUR_BILL.test(text) ? discrepancies : [];
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A discrepancy in a customer's words: what the extra charge is and why it is not owed. */
function plainly(d: Discrepancy): string {
  const amount = formatCents(d.amountCents);
  if (d.kind === "late_fee_not_owed") return `a ${amount} late fee you don't owe, because your previous bill was paid on time`;
  if (d.kind === "addon_not_on_account") return `${amount} for ${d.description.split(" (")[0]}, which isn't on your account`;
  return `${amount} more than your plan's price`;
}

/** The charges that check out, as one sentence (each once, at most three), not a list of fragments. */
function chargesSentence(explanations: Array<{ description: string }>): string | null {
  const seen = new Set<string>();
  const items = explanations
    .map((e) => spokenDates(e.description.replace(/\.$/, "")))
    .filter((d) => {
      const key = d.replace(/ for [A-Z][a-z]+ \d{4}$/, "");
      return !seen.has(key) && seen.add(key);
    })
    .slice(0, 3)
    .map((d, i) => (i === 0 ? d : lowerFirst(d)));
  if (!items.length) return null;
  return `These charges are as expected: ${items.length === 1 ? items[0] : `${items.slice(0, -1).join("; ")}; and ${items.at(-1)}`}.`;
}

/** The billing worker's decisions: overview, discrepancy check, credit what is confirmed. */
export const billingBrain: Brain = (input) => {
  const text = input.userText;
  const scope = classifyIntents(text).scores.billing;
  const req = analyseRequest(text);
  const complaint = complainsOfCharge(text);
  // "credit it on my next bill" asks for money back, not what the bill will come to.
  const nextBill = asksNextBill(text) && !req.wantsCredit;
  const creditsHad = asksAboutCredits(text);
  const whenDue = asksWhenDue(text);
  if (scope < 0.15 && !req.wantsCredit && !req.disputesCharge && !complaint && !nextBill && !creditsHad && !whenDue) {
    return refuseOutOfScope("billing", "charges, invoices, payments and credits");
  }
  const overview = latest(input.results, "get_billing_overview");
  const check = latest(input.results, "find_discrepancies");
  // Independent look-ups go out together, as parallel tool calls.
  if (!overview && !check) return calls(["get_billing_overview"], ["find_discrepancies"]);
  if (!overview) return call("get_billing_overview");
  if (!check) return call("find_discrepancies");

  const found: Discrepancy[] = check.value?.discrepancies ?? [];
  // Already credited ones are reported, never credited twice.
  const discrepancies = found.filter((d) => !d.credited);
  const settled = found.filter((d) => d.credited);
  const explanations: Array<{ invoiceId: string; lineRef: string; description: string }> = check.value?.explanations ?? [];
  const wantsFix = req.wantsCredit || req.disputesCharge || complaint;
  const mentioned = parseAmountsCents(text);
  // No money moves for a task about another business's charges. The customer's own
  // bank is how our bill gets paid ("my bank shows you took it twice"), not another business.
  const elsewhere = namesAnotherBusiness(text.replace(/\bbank(?:ing)?\b/gi, ""));
  // Held back for a message about someone else's account: no credit lands on this one for it.
  const creditWithheld = withheld(input, "issue_credit");
  const targets = wantsFix && !elsewhere && !creditWithheld ? pointedAt(text, discrepancies) : [];

  const attempts = allOf(input.results, "issue_credit");
  const attempted = (d: Discrepancy) =>
    attempts.some((a) => a.value?.invoiceId === d.invoiceId && a.value?.amountCents === d.amountCents) ||
    attempts.some((a) => a.value?.proposedAction?.invoiceId === d.invoiceId && a.value?.proposedAction?.amountCents === d.amountCents);
  const next = targets.find((d) => !attempted(d));
  if (next && attempts.length < targets.length) {
    return call("issue_credit", { invoiceId: next.invoiceId, amountCents: next.amountCents, reason: next.description });
  }

  const result: WorkerResult = { status: "done", summary: "", facts: [], actions: [], confidence: 0 };
  const sentences: string[] = [];
  let certainty = 0.9;

  if (req.claimedCustomerIds.length > 0) {
    sentences.push("For your privacy I can only look at the account you are signed in with, so I can't share details of any other account.");
    result.facts.push("Message named another customer id; only the signed-in account was used");
  }
  if (req.injection) result.facts.push("Instructions embedded in the message were ignored; policy is enforced by the billing system");
  if (creditWithheld && wantsFix) {
    sentences.push(OWN_ACCOUNT_ONLY);
    result.status = "refused";
  }
  // The customer's own claim first: what the plan was charged, and what the extra is.
  const latestInvoice: { id?: string; lines?: Array<{ kind?: string; description?: string; amountCents?: number }> } | undefined = overview.value?.invoices?.at?.(-1);
  const explained = new Set<Discrepancy>();
  if (CHARGED_TWICE.test(text) && latestInvoice) {
    const planLines = (latestInvoice.lines ?? []).filter((l) => l.kind === "plan");
    const extra = discrepancies.filter((d) => d.invoiceId === latestInvoice.id);
    if (planLines.length === 1) {
      extra.forEach((d) => explained.add(d));
      const what = extra.map(plainly).join(", and ");
      sentences.push(`You were charged once for your plan this month: ${planLines[0].description} at ${formatCents(planLines[0].amountCents ?? 0)}.${what ? ` The extra is ${what}.` : " Nothing else on this month's bill is charged twice."}`);
    }
  }
  // A question about the bill is answered before anything the check turned up besides.
  const answered = nextBill || creditsHad || whenDue;
  if (whenDue) sentences.push(dueSentence(overview.value ?? {}));
  if (nextBill) {
    const next = nextBillSentence(overview.value ?? {});
    if (next) sentences.push(next);
  }
  if (creditsHad) sentences.push(creditsHadSentence(overview.value ?? {}));
  for (const a of attempts) {
    const v = a.value ?? {};
    const d = targets.find((t) => t.invoiceId === (v.invoiceId ?? v.proposedAction?.invoiceId));
    const what = d ? capitalise(spokenDates(d.description.replace(/\.$/, ""))) : "The charge";
    if (v.status === "applied") {
      sentences.push(d && explained.has(d) ? `I've credited ${formatCents(v.amountCents)} to your account for it.` : `${what}, so I've credited ${formatCents(v.amountCents)} to your account${what.includes(String(v.invoiceId)) ? "" : ` against invoice ${v.invoiceId}`}.`);
      result.actions.push({ type: "credit", status: "applied", description: `Credit ${formatCents(v.amountCents)} on ${v.invoiceId}` });
    } else if (v.status === "needs_approval") {
      const amt = v.proposedAction?.amountCents ?? d?.amountCents ?? 0;
      sentences.push(`${what}. A credit of ${formatCents(amt)} needs a billing specialist's approval, so I've sent it for review; you'll hear back once it's decided.`);
      result.actions.push({ type: "credit", status: "proposed", description: `Credit ${formatCents(amt)} on ${v.proposedAction?.invoiceId ?? d?.invoiceId} awaiting approval` });
      result.status = "needs_review";
    } else if (v.status === "already_pending") {
      // The same credit already waits for a reviewer (asked for earlier): not proposed again.
      sentences.push(`${what}. A credit of ${formatCents(v.amountCents)} for it has been with a billing specialist for approval since ${spokenTime(v.pendingSince)}, so I haven't sent it again; you'll hear back once it's decided.`);
      result.facts.push(`${v.invoiceId}: ${formatCents(v.amountCents)} credit already awaiting approval`);
    } else if (v.status === "already_credited") {
      // Credited before this call (an earlier request, or another conversation of this
      // customer's that got there first): settled, not refused, and not this run's credit.
      sentences.push(`${what}, and that charge has already been credited to your account (${formatCents(v.amountCents)} on invoice ${v.invoiceId}), so there was nothing left to credit.`);
      result.facts.push(`${v.invoiceId}: ${formatCents(v.amountCents)} already credited`);
    } else if (a.isError || v.error) {
      // The tool failed: nothing was refused, nothing was credited.
      sentences.push(`${what}, but I couldn't apply the credit just now because of a problem on our side. Nothing was credited yet; I've passed it to our team to follow up.`);
      result.actions.push({ type: "credit", status: "failed", description: `Credit could not be applied: ${v.error ?? "error"}` });
      result.status = "needs_review";
      certainty = 0.3;
    } else {
      sentences.push(`I couldn't apply that credit: ${String(v.reason ?? "the billing system refused it").replace(/\.$/, "")}.`);
      result.actions.push({ type: "credit", status: "refused", description: v.reason ?? "refused" });
      certainty = 0.6;
    }
  }

  for (const d of settled) sentences.push(`The ${formatCents(d.amountCents)} correction on invoice ${d.invoiceId} has already been credited to your account.`);
  for (const d of discrepancies.filter((x) => !targets.includes(x))) {
    // The description names the invoice: once is enough.
    const where = d.description.includes(d.invoiceId) ? "your bill" : `invoice ${d.invoiceId}`;
    sentences.push(`I noticed a problem on ${where}: ${spokenDates(d.description.replace(/\.$/, ""))}. Just ask and I can credit it.`);
  }
  if (wantsFix && targets.length === 0 && discrepancies.length > 0) {
    const rest = chargesSentence(explanations);
    if (rest) sentences.push(rest);
  }
  if (discrepancies.length === 0 && settled.length === 0) {
    const total = overview.value?.invoices?.at?.(-1);
    if (wantsFix && (mentioned.length > 0 || req.wantsCredit)) {
      sentences.push("I checked your invoices and found no billing error that would justify a credit, so I haven't applied one.");
      // A demand for money the data does not support deserves a human's second look.
      certainty = req.injection ? 0.85 : 0.5;
    } else if (answered) {
      // Beside an answer about the plan now, "matches your plan" would read as the new one.
      sentences.push("I checked your invoices so far and every charge on them is correct.");
    } else {
      sentences.push("I checked your invoices and every charge matches your plan and add-ons.");
    }
    // The charges one by one only when the bill itself is the question.
    const rest = answered && !wantsFix ? null : chargesSentence(explanations);
    if (rest) sentences.push(rest);
    if (total) result.facts.push(`Latest invoice ${total.id}: ${formatCents(total.totalCents ?? 0)}`);
    result.status = result.status === "done" && !wantsFix ? "done" : result.status === "done" ? "nothing_found" : result.status;
  }
  const overdue = overview.value?.overdueCents ?? 0;
  if (overdue > 0) {
    sentences.push(`Your account has ${formatCents(overdue)} overdue; paying it restores full service.`);
    result.facts.push(`Overdue balance ${formatCents(overdue)}`);
  }
  for (const d of discrepancies) result.facts.push(`${d.invoiceId} ${d.lineRef}: ${d.description} (${formatCents(d.amountCents)})`);

  result.summary = sentences.join(" ");
  result.confidence = combineConfidence(Math.max(scope, wantsFix ? 0.8 : 0.5), certainty);
  return finish(result);
};
