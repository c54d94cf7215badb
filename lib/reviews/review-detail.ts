import type { ReviewKind, ReviewStatus, Settings, WorkerResult } from "../contracts";
import type { Db } from "../db/client";
import { balanceCents, creditWindow, loadAccount } from "../tools/account";
import { proposedActionSchema, type ProposedAction } from "../tools/approved-actions";
import { quotePlanChange, type PlanQuote } from "../tools/crm/quote";
import { formatCents } from "../money";
import { decisionsFor, draftOf, type Decision } from "../orchestrator/review-decisions";
import { appliedEffects } from "../orchestrator/store";

// Everything a reviewer needs on one page to decide an item: what the customer
// asked, what the supervisor planned, what the worker did and proposes (as stored,
// never the model's prose), the account facts the rule reads, and the rule itself
// with its numbers.

export interface ToolCallView {
  tool: string;
  args: unknown;
  result: unknown;
  isError: boolean;
}

export interface AccountFactsView {
  status: string;
  planName: string;
  balanceCents: number;
  /** Credits counted against the automatic limit (the settings' window, to the business date). */
  creditWindow: { usedCents: number; limitCents: number; remainingCents: number; windowDays: number; credits: { issuedOn: string; amountCents: number; reason: string }[] };
  contractEndsOn: string;
  today: string;
  quote: PlanQuote | null;
}

export interface PolicyRuleView {
  name: string;
  text: string;
  numbers: { label: string; value: string }[];
}

export interface ReviewDetail {
  id: string;
  kind: ReviewKind;
  status: ReviewStatus;
  summary: string;
  taskId: string;
  version: number;
  createdAt: Date;
  dueAt: Date;
  claim: { byId: string; byName: string; byEmail: string; until: Date } | null;
  decided: { by: string | null; at: Date | null; note: string | null; resolution: string | null; reply: string | null } | null;
  customer: { id: string; name: string | null };
  run: { id: string; status: string; input: string; plan: unknown; reply: string | null; createdAt: Date };
  task: { worker: string | null; instruction: string | null };
  result: WorkerResult | null;
  invocation: { attempt: number; status: string; confidence: number | null; error: string | null } | null;
  toolCalls: ToolCallView[];
  /** For a failed part: what its tool calls already did (the ledger's entries), as the customer was told. */
  applied: { tool: string; statement: string | null }[];
  /** The stored action as a tool call: the tool that asked for approval and its stored arguments. */
  proposed: { tool: string | null; args: unknown; action: ProposedAction | null; raw: unknown };
  draft: string | null;
  errors: string[];
  facts: AccountFactsView | null;
  rule: PolicyRuleView | null;
  decisions: readonly Decision[];
}

type Ctx = {
  task?: { worker?: string; instruction?: string };
  tool?: string;
  args?: unknown;
  toolResult?: { reason?: string; creditWindow?: { usedCents: number; limitCents: number; remainingCents: number; windowDays: number }; amountCents?: number };
  result?: WorkerResult;
  errors?: string[];
  error?: string;
  threshold?: number;
  applied?: { tool?: string; statement?: string | null; idempotencyKey?: string }[];
};

const TOOL_FOR: Record<ProposedAction["type"], string> = { credit: "issue_credit", plan_change: "change_plan" };

/**
 * What a failed part did: the ledger's effects now, then any the item recorded when it was
 * raised that the ledger read does not list again (matched by idempotency key, else by
 * tool and statement).
 */
function appliedNow(
  ledger: Array<{ tool: string; idempotencyKey: string; statement: string | null }> | null,
  recorded: NonNullable<Ctx["applied"]>,
): ReviewDetail["applied"] {
  const now = (ledger ?? []).map((a) => ({ tool: a.tool, statement: a.statement, key: a.idempotencyKey }));
  for (const r of recorded) {
    const known = now.some((a) => (r.idempotencyKey ? a.key === r.idempotencyKey : a.tool === r.tool && a.statement === (r.statement ?? null)));
    if (!known) now.push({ tool: String(r.tool ?? ""), statement: r.statement ?? null, key: r.idempotencyKey ?? "" });
  }
  return now.map(({ tool, statement }) => ({ tool, statement }));
}

/** One review item with its run, worker, tool calls, account facts and policy rule; null when there is no such item. */
export async function loadReviewDetail(opts: { db: Db; reviewId: string; settings: Settings; today: string; now: Date }): Promise<ReviewDetail | null> {
  const { db, settings } = opts;
  const item = await db.reviewItem.findUnique({ where: { id: opts.reviewId }, include: { run: true } });
  if (!item) return null;
  const ctx = (item.context ?? {}) as Ctx;
  const [customer, invocations, ledger] = await Promise.all([
    db.customer.findUnique({ where: { id: item.customerId }, select: { id: true, name: true } }),
    db.workerInvocation.findMany({ where: { runId: item.runId, taskId: item.taskId }, orderBy: { attempt: "asc" }, include: { toolCalls: { orderBy: { createdAt: "asc" } } } }),
    // A failed part's effects are read from the ledger now, not from what the item
    // stored when it was raised: an effect that committed late still shows.
    item.kind === "worker_failure" ? appliedEffects(db, { runId: item.runId, taskId: item.taskId === "run" ? undefined : item.taskId }) : Promise.resolve(null),
  ]);
  const last = invocations[invocations.length - 1] ?? null;
  const action = proposedActionSchema.safeParse(item.proposedAction);
  const stored = action.success ? action.data : null;

  let facts: AccountFactsView | null = null;
  if (customer) {
    const account = await loadAccount(db, item.customerId, opts.today, settings.policy);
    const window = creditWindow(account);
    facts = {
      status: account.status,
      planName: account.plan.name,
      balanceCents: balanceCents(account),
      creditWindow: { ...window, credits: window.credits.map((c) => ({ issuedOn: c.issuedOn, amountCents: c.amountCents, reason: c.reason })) },
      contractEndsOn: account.contractEndsOn,
      today: account.today,
      quote: stored?.type === "plan_change" ? safeQuote(() => quotePlanChange(account, stored.toPlanId)) : null,
    };
  }

  const sla = settings.policy.reviewKinds[item.kind].slaMinutes;
  const held = item.claimedById && item.claimExpiresAt && item.claimExpiresAt > opts.now;
  return {
    id: item.id,
    kind: item.kind,
    status: item.status,
    summary: item.summary,
    taskId: item.taskId,
    version: item.version,
    createdAt: item.createdAt,
    dueAt: new Date(item.createdAt.getTime() + sla * 60_000),
    claim: held ? { byId: item.claimedById!, byName: item.claimedByName ?? "", byEmail: item.claimedByEmail ?? "", until: item.claimExpiresAt! } : null,
    decided: item.status === "pending" ? null : { by: item.decidedBy, at: item.decidedAt, note: item.note, resolution: item.resolution, reply: item.reply },
    customer: { id: item.customerId, name: customer?.name ?? null },
    run: { id: item.run.id, status: item.run.status, input: item.run.input, plan: item.run.plan, reply: item.run.reply, createdAt: item.run.createdAt },
    task: { worker: last?.worker ?? ctx.task?.worker ?? null, instruction: ctx.task?.instruction ?? null },
    result: (last?.output as WorkerResult | null) ?? ctx.result ?? null,
    invocation: last ? { attempt: last.attempt, status: last.status, confidence: last.confidence, error: last.error } : null,
    toolCalls: invocations.flatMap((inv) => inv.toolCalls.map((t) => ({ tool: t.tool, args: t.args, result: t.result, isError: t.isError }))),
    applied: appliedNow(ledger, ctx.applied ?? []),
    proposed: { tool: ctx.tool ?? (stored ? TOOL_FOR[stored.type] : null), args: ctx.args ?? null, action: stored, raw: item.proposedAction },
    draft: draftOf(item),
    errors: ctx.errors ?? (ctx.error ? [ctx.error] : []),
    facts,
    rule: policyRule(item.kind, { ctx, stored, facts, settings, summary: item.summary, confidence: last?.confidence ?? null }),
    decisions: decisionsFor(item.kind),
  };
}

function safeQuote(fn: () => PlanQuote): PlanQuote | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** The rule that sent the item to a person, with the numbers it compared. */
function policyRule(
  kind: ReviewKind,
  d: { ctx: Ctx; stored: ProposedAction | null; facts: AccountFactsView | null; settings: Settings; summary: string; confidence: number | null },
): PolicyRuleView | null {
  const p = d.settings.policy;
  switch (kind) {
    case "credit_over_limit": {
      const amount = d.stored?.type === "credit" ? d.stored.amountCents : (d.ctx.toolResult?.amountCents ?? 0);
      const w = d.ctx.toolResult?.creditWindow;
      const used = w?.usedCents ?? 0;
      const limit = w?.limitCents ?? p.autoCreditLimitCents;
      const days = w?.windowDays ?? p.autoCreditWindowDays;
      return {
        name: "Auto-credit limit",
        text: `A worker may credit up to ${formatCents(limit)} per customer in ${days} days, earlier credits included; above that a person decides.`,
        numbers: [
          { label: "This credit", value: formatCents(amount) },
          { label: `Already credited (${days} days)`, value: formatCents(used) },
          { label: "Total", value: formatCents(used + amount) },
          { label: "Limit", value: formatCents(limit) },
          { label: "Over the limit by", value: formatCents(Math.max(0, used + amount - limit)) },
        ],
      };
    }
    case "downgrade_fee": {
      const fee = d.stored?.type === "plan_change" ? d.stored.feeCents : 0;
      const q = d.facts?.quote;
      return {
        name: "Downgrade with an early-termination fee",
        text: `A downgrade inside the contract costs ${formatCents(p.etfPerRemainingMonthCents)} per remaining whole month, capped at ${formatCents(p.etfCapCents)}; a downgrade with a fee needs a person's approval.`,
        numbers: [
          ...(q ? [{ label: "Plan", value: `${q.fromPlan.name} → ${q.toPlan.name}` }, { label: "Remaining whole months", value: String(q.remainingMonths) }] : []),
          { label: "Per month", value: formatCents(p.etfPerRemainingMonthCents) },
          { label: "Cap", value: formatCents(p.etfCapCents) },
          { label: "Fee", value: formatCents(fee) },
        ],
      };
    }
    case "low_confidence": {
      const m = /\(([\d.]+) < ([\d.]+)\)/.exec(d.summary);
      return {
        name: "Confidence threshold",
        text: "An answer below its worker's confidence threshold goes to a person before the customer relies on it.",
        numbers: [
          { label: "Confidence", value: m?.[1] ?? (d.confidence !== null ? d.confidence.toFixed(2) : "unknown") },
          { label: "Threshold", value: m?.[2] ?? "unknown" },
        ],
      };
    }
    case "worker_failure":
      return {
        name: "Worker failure",
        text: "A worker that failed or timed out on every attempt hands its part to a person; nothing is invented in its place.",
        numbers: [{ label: "Errors", value: String(d.ctx.errors?.length ?? (d.ctx.error ? 1 : 0)) }],
      };
    case "handoff":
      return {
        name: "A person is needed",
        text: "The customer asked for a person, asked the same thing again after it was not resolved, or wrote in distress: the assistant hands the conversation to the desk instead of answering again.",
        numbers: [{ label: "Why", value: d.summary }],
      };
  }
}
