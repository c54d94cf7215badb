import { isoDay } from "../clock";
import type { PolicyNumbers } from "../contracts";
import type { Tx } from "../db/client";
import { policyInForce } from "../db/settings-versions";
import { creditsInWindow } from "../policy/credit-limit";
import { notFound } from "./errors";

// The account facts of one customer (profile, plan, invoices, payments, credits, policy),
// read once and shared by the billing and CRM tools. Dates are YYYY-MM-DD strings from
// here on, so the policy code compares plain days. Never includes the internal notes.

export interface InvoiceLineView {
  kind: string;
  ref: string;
  description: string;
  amountCents: number;
}

export interface InvoiceView {
  id: string;
  period: string;
  dueOn: string;
  lines: InvoiceLineView[];
  totalCents: number;
  paidCents: number;
  /** The day the invoice was settled in full, or null while anything is unpaid. */
  paidOn: string | null;
  creditedCents: number;
  outstandingCents: number;
  overdue: boolean;
}

export interface CreditView {
  id: string;
  invoiceId: string | null;
  amountCents: number;
  reason: string;
  issuedOn: string;
  source: string;
}

export interface PlanView {
  id: string;
  name: string;
  monthlyCents: number;
  downMbps: number;
  upMbps: number;
}

export interface AccountFacts {
  customerId: string;
  name: string;
  email: string;
  zone: string;
  status: string;
  contractEndsOn: string;
  today: string;
  plan: PlanView;
  planChangedOn: string | null;
  previousPlanId: string | null;
  /**
   * The plan record as the invoices on the account were issued: before any plan change
   * made here (this service issues no invoices, so every invoice predates its own changes).
   * Another worker of the same run may change the plan while billing reads the invoices.
   */
  billedPlan: { planId: string; previousPlanId: string | null; changedOn: string | null };
  plans: PlanView[];
  addOns: Array<{ id: string; name: string; monthlyCents: number; since: string | null }>;
  invoices: InvoiceView[];
  payments: Array<{ invoiceId: string; paidOn: string; amountCents: number }>;
  credits: CreditView[];
  policy: { autoCreditLimitCents: number; autoCreditWindowDays: number; etfPerRemainingMonthCents: number; etfCapCents: number };
}

const day = (d: Date) => isoDay(d);

/**
 * Loads everything the account holds about the customer; not_found when there is no
 * such customer. `policy` is the run's settings version; without one (a tool called
 * outside a run, e.g. over HTTP MCP) the version in force applies.
 */
export async function loadAccount(db: Tx, customerId: string, today: string, policy?: PolicyNumbers): Promise<AccountFacts> {
  // One relation per query, in sequence: inside a transaction every query shares one
  // connection, and Prisma would otherwise fetch sibling relations concurrently on it.
  const where = { customerId };
  const customer = await db.customer.findUnique({ where: { id: customerId }, include: { plan: true } });
  if (!customer) throw notFound("Customer", customerId);
  const addOns = await db.customerAddOn.findMany({ where, include: { addOn: true }, orderBy: { addOnId: "asc" } });
  const invoiceRows = await db.invoice.findMany({ where, orderBy: [{ period: "asc" }, { id: "asc" }] });
  const lineRows = await db.invoiceLine.findMany({ where: { invoice: where }, orderBy: [{ invoiceId: "asc" }, { position: "asc" }] });
  const paymentRows = await db.payment.findMany({ where, orderBy: [{ paidOn: "asc" }, { id: "asc" }] });
  const creditRows = await db.credit.findMany({ where, orderBy: [{ issuedOn: "asc" }, { createdAt: "asc" }] });
  const plans = await db.plan.findMany({ orderBy: { monthlyCents: "asc" } });
  const firstChange = await db.planChange.findFirst({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  policy ??= await policyInForce(db);

  const payments = paymentRows.map((p) => ({ invoiceId: p.invoiceId, paidOn: day(p.paidOn), amountCents: p.amountCents }));
  const credits: CreditView[] = creditRows.map((c) => ({
    id: c.id,
    invoiceId: c.invoiceId,
    amountCents: c.amountCents,
    reason: c.reason,
    issuedOn: day(c.issuedOn),
    source: c.source,
  }));
  const invoices = invoiceRows.map((inv): InvoiceView => {
    const lines = lineRows.filter((l) => l.invoiceId === inv.id).map((l) => ({ kind: l.kind, ref: l.ref, description: l.description, amountCents: l.amountCents }));
    const totalCents = lines.reduce((s, l) => s + l.amountCents, 0);
    const mine = payments.filter((p) => p.invoiceId === inv.id);
    const paidCents = mine.reduce((s, p) => s + p.amountCents, 0);
    const creditedCents = credits.filter((c) => c.invoiceId === inv.id).reduce((s, c) => s + c.amountCents, 0);
    const outstandingCents = Math.max(0, totalCents - paidCents - creditedCents);
    const dueOn = day(inv.dueOn);
    return {
      id: inv.id,
      period: inv.period,
      dueOn,
      lines,
      totalCents,
      paidCents,
      paidOn: settledOn(totalCents, mine),
      creditedCents,
      outstandingCents,
      overdue: outstandingCents > 0 && dueOn < today,
    };
  });

  const toPlan = (p: PlanView): PlanView => ({ id: p.id, name: p.name, monthlyCents: p.monthlyCents, downMbps: p.downMbps, upMbps: p.upMbps });
  return {
    customerId,
    name: customer.name,
    email: customer.email,
    zone: customer.zone,
    status: customer.status,
    contractEndsOn: day(customer.contractEndsOn),
    today,
    plan: toPlan(customer.plan),
    planChangedOn: customer.planChangedOn ? day(customer.planChangedOn) : null,
    previousPlanId: customer.previousPlanId,
    billedPlan: firstChange
      ? { planId: firstChange.fromPlanId, previousPlanId: firstChange.priorPlanId, changedOn: firstChange.priorChangedOn ? day(firstChange.priorChangedOn) : null }
      : { planId: customer.planId, previousPlanId: customer.previousPlanId, changedOn: customer.planChangedOn ? day(customer.planChangedOn) : null },
    plans: plans.map(toPlan),
    addOns: addOns.map((a) => ({
      id: a.addOnId,
      name: a.addOn.name,
      monthlyCents: a.addOn.monthlyCents,
      since: a.since ? day(a.since) : null,
    })),
    invoices,
    payments,
    credits,
    policy: {
      autoCreditLimitCents: policy.autoCreditLimitCents,
      autoCreditWindowDays: policy.autoCreditWindowDays,
      etfPerRemainingMonthCents: policy.etfPerRemainingMonthCents,
      etfCapCents: policy.etfCapCents,
    },
  };
}

/** The day cumulative payments first covered the total, or null. */
export function settledOn(totalCents: number, payments: Array<{ paidOn: string; amountCents: number }>): string | null {
  let sum = 0;
  for (const p of [...payments].sort((a, b) => a.paidOn.localeCompare(b.paidOn))) {
    sum += p.amountCents;
    if (sum >= totalCents) return p.paidOn;
  }
  return null;
}

/** Unpaid amounts of invoices past their due date. */
export function overdueCents(account: Pick<AccountFacts, "invoices">): number {
  return account.invoices.filter((i) => i.overdue).reduce((s, i) => s + i.outstandingCents, 0);
}

/** What the customer owes now: open invoice amounts less account credits not tied to an invoice. */
export function balanceCents(account: Pick<AccountFacts, "invoices" | "credits">): number {
  const open = account.invoices.reduce((s, i) => s + i.outstandingCents, 0);
  const unallocated = account.credits.filter((c) => c.invoiceId === null).reduce((s, c) => s + c.amountCents, 0);
  return open - unallocated;
}

/** Credits counted against the automatic limit today, and what is left of it. */
export function creditWindow(account: Pick<AccountFacts, "credits" | "policy" | "today">) {
  const { autoCreditLimitCents: limitCents, autoCreditWindowDays: windowDays } = account.policy;
  const credits = creditsInWindow(account.credits, account.today, windowDays);
  const usedCents = credits.reduce((s, c) => s + c.amountCents, 0);
  return { credits, usedCents, limitCents, remainingCents: Math.max(0, limitCents - usedCents), windowDays };
}

export function findInvoice(account: AccountFacts, invoiceId: string): InvoiceView {
  const inv = account.invoices.find((i) => i.id === invoiceId);
  if (!inv) throw notFound("Invoice", invoiceId);
  return inv;
}
