import type { PolicyNumbers } from "../contracts";
import type { Tx } from "../db/client";
import { policyFrom } from "../db/settings-versions";
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

// The rows loadAccount reads, as its one statement returns them (dates as YYYY-MM-DD).
interface AccountRows {
  customer: { name: string; email: string; zone: string; status: string; planId: string; contractEndsOn: string; planChangedOn: string | null; previousPlanId: string | null; plan: PlanView } | null;
  addOns: Array<{ addOnId: string; since: string | null; name: string; monthlyCents: number }>;
  invoices: Array<{ id: string; period: string; dueOn: string }>;
  lines: Array<{ invoiceId: string; kind: string; ref: string; description: string; amountCents: number }>;
  payments: Array<{ invoiceId: string; paidOn: string; amountCents: number }>;
  credits: Array<{ id: string; invoiceId: string | null; amountCents: number; reason: string; issuedOn: string; source: string }>;
  plans: PlanView[];
  firstChange: { fromPlanId: string; priorPlanId: string | null; priorChangedOn: string | null } | null;
  storedPolicy: unknown;
  worldPolicy: PolicyNumbers | null;
}

/**
 * Loads everything the account holds about the customer; not_found when there is no
 * such customer. `policy` is the run's settings version; without one (a tool called
 * outside a run, e.g. over HTTP MCP) the version in force applies.
 *
 * One statement (one round trip, one snapshot): every tool call reads the account,
 * several per worker, and a query per relation made it a dozen round trips each.
 * Each list keeps the order the tools rely on.
 */
export async function loadAccount(db: Tx, customerId: string, today: string, policy?: PolicyNumbers): Promise<AccountFacts> {
  const [{ facts }] = await db.$queryRaw<Array<{ facts: AccountRows }>>`
    SELECT json_build_object(
      'customer', (
        SELECT json_build_object(
          'name', c.name, 'email', c.email, 'zone', c.zone, 'status', c.status, 'planId', c."planId",
          'contractEndsOn', c."contractEndsOn", 'planChangedOn', c."planChangedOn", 'previousPlanId', c."previousPlanId",
          'plan', json_build_object('id', p.id, 'name', p.name, 'monthlyCents', p."monthlyCents", 'downMbps', p."downMbps", 'upMbps', p."upMbps"))
        FROM customers c JOIN plans p ON p.id = c."planId" WHERE c.id = ${customerId}),
      'addOns', (
        SELECT coalesce(json_agg(json_build_object('addOnId', ca."addOnId", 'since', ca.since, 'name', a.name, 'monthlyCents', a."monthlyCents") ORDER BY ca."addOnId"), '[]')
        FROM customer_add_ons ca JOIN add_ons a ON a.id = ca."addOnId" WHERE ca."customerId" = ${customerId}),
      'invoices', (
        SELECT coalesce(json_agg(json_build_object('id', i.id, 'period', i.period, 'dueOn', i."dueOn") ORDER BY i.period, i.id), '[]')
        FROM invoices i WHERE i."customerId" = ${customerId}),
      'lines', (
        SELECT coalesce(json_agg(json_build_object('invoiceId', l."invoiceId", 'kind', l.kind, 'ref', l.ref, 'description', l.description, 'amountCents', l."amountCents") ORDER BY l."invoiceId", l.position), '[]')
        FROM invoice_lines l JOIN invoices i ON i.id = l."invoiceId" WHERE i."customerId" = ${customerId}),
      'payments', (
        SELECT coalesce(json_agg(json_build_object('invoiceId', pm."invoiceId", 'paidOn', pm."paidOn", 'amountCents', pm."amountCents") ORDER BY pm."paidOn", pm.id), '[]')
        FROM payments pm WHERE pm."customerId" = ${customerId}),
      'credits', (
        SELECT coalesce(json_agg(json_build_object('id', cr.id, 'invoiceId', cr."invoiceId", 'amountCents', cr."amountCents", 'reason', cr.reason, 'issuedOn', cr."issuedOn", 'source', cr.source) ORDER BY cr."issuedOn", cr."createdAt"), '[]')
        FROM credits cr WHERE cr."customerId" = ${customerId}),
      'plans', (
        SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'monthlyCents', p."monthlyCents", 'downMbps', p."downMbps", 'upMbps', p."upMbps") ORDER BY p."monthlyCents"), '[]')
        FROM plans p),
      'firstChange', (
        SELECT json_build_object('fromPlanId', pc."fromPlanId", 'priorPlanId', pc."priorPlanId", 'priorChangedOn', pc."priorChangedOn")
        FROM plan_changes pc WHERE pc."customerId" = ${customerId} ORDER BY pc."createdAt", pc.id LIMIT 1),
      'storedPolicy', (SELECT sv.settings -> 'policy' FROM settings_versions sv ORDER BY sv.version DESC LIMIT 1),
      'worldPolicy', (
        SELECT json_build_object('autoCreditLimitCents', ps."autoCreditLimitCents", 'autoCreditWindowDays', ps."autoCreditWindowDays",
          'etfPerRemainingMonthCents', ps."etfPerRemainingMonthCents", 'etfCapCents', ps."etfCapCents")
        FROM policy_settings ps WHERE ps.id = 'default')
    ) AS facts`;
  const customer = facts.customer;
  if (!customer) throw notFound("Customer", customerId);
  policy ??= policyFrom(facts.storedPolicy, facts.worldPolicy);
  const { addOns, invoices: invoiceRows, lines: lineRows, payments: paymentRows, credits: creditRows, plans, firstChange } = facts;

  const payments = paymentRows.map((p) => ({ invoiceId: p.invoiceId, paidOn: p.paidOn, amountCents: p.amountCents }));
  const credits: CreditView[] = creditRows.map((c) => ({
    id: c.id,
    invoiceId: c.invoiceId,
    amountCents: c.amountCents,
    reason: c.reason,
    issuedOn: c.issuedOn,
    source: c.source,
  }));
  const invoices = invoiceRows.map((inv): InvoiceView => {
    const lines = lineRows.filter((l) => l.invoiceId === inv.id).map((l) => ({ kind: l.kind, ref: l.ref, description: l.description, amountCents: l.amountCents }));
    const totalCents = lines.reduce((s, l) => s + l.amountCents, 0);
    const mine = payments.filter((p) => p.invoiceId === inv.id);
    const paidCents = mine.reduce((s, p) => s + p.amountCents, 0);
    const creditedCents = credits.filter((c) => c.invoiceId === inv.id).reduce((s, c) => s + c.amountCents, 0);
    const outstandingCents = Math.max(0, totalCents - paidCents - creditedCents);
    const dueOn = inv.dueOn;
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
    contractEndsOn: customer.contractEndsOn,
    today,
    plan: toPlan(customer.plan),
    planChangedOn: customer.planChangedOn,
    previousPlanId: customer.previousPlanId,
    billedPlan: firstChange
      ? { planId: firstChange.fromPlanId, previousPlanId: firstChange.priorPlanId, changedOn: firstChange.priorChangedOn }
      : { planId: customer.planId, previousPlanId: customer.previousPlanId, changedOn: customer.planChangedOn },
    plans: plans.map(toPlan),
    addOns: addOns.map((a) => ({
      id: a.addOnId,
      name: a.name,
      monthlyCents: a.monthlyCents,
      since: a.since,
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
function settledOn(totalCents: number, payments: Array<{ paidOn: string; amountCents: number }>): string | null {
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
