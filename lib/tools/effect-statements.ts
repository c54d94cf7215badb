import { formatCents } from "../money";

// What a recorded side effect did, in the words a customer reads. The ledger is the
// truth about effects: when a worker fails after one of its tool calls committed (its
// next call hung, its own writes failed), no worker summary exists, and the reply
// must still say what this run did instead of "couldn't complete" alone. These
// sentences are built from the ledger's stored result, never from a model.

export interface LedgerEffect {
  tool: string;
  result: unknown;
}

export interface PlanNames {
  get(planId: string): { name: string; monthlyCents: number } | undefined;
}

type Result = Record<string, unknown>;

function when(iso: unknown): string {
  if (typeof iso !== "string" || Number.isNaN(Date.parse(iso))) return "the first free slot";
  const d = new Date(iso).toISOString();
  return `${d.slice(0, 10)} at ${d.slice(11, 16)} UTC`;
}

const statements: Record<string, (r: Result, plans: PlanNames) => string | null> = {
  issue_credit: (r) =>
    r.status === "applied" && typeof r.amountCents === "number"
      ? `I've credited ${formatCents(r.amountCents)} to your account against invoice ${String(r.invoiceId)}.`
      : null,
  remote_reset: (r) => {
    const line = (r.line ?? {}) as Result;
    if (r.status === "fixed") return `I found a fault on your line and fixed it with a remote reset${typeof line.downMbps === "number" ? `; it now tests at ${line.downMbps} Mbps` : ""}.`;
    if (r.status === "not_fixed") return `I ran a remote reset on your line, but a remote reset didn't fix it: the line is still ${String(line.status ?? "faulty")}.`;
    return null;
  },
  dispatch_technician: (r) => {
    const slot = (r.slot ?? {}) as Result;
    return r.status === "booked" ? `I've booked a technician visit for ${when(slot.startsAt)}${slot.id ? ` (${String(slot.id)})` : ""}.` : null;
  },
  change_plan: (r, plans) => {
    if (r.status !== "applied") return null;
    const plan = plans.get(String(r.toPlanId));
    const fee = typeof r.feeCents === "number" && r.feeCents > 0 ? `, with an early-termination fee of ${formatCents(r.feeCents)}` : "";
    return plan ? `Done: your plan is now ${plan.name} at ${formatCents(plan.monthlyCents)}/month${fee}.` : `Done: your plan was changed to ${String(r.toPlanId)}${fee}.`;
  },
};

/** The customer-facing sentence for one ledger entry, or null when it changed nothing a customer would be told about. */
export function effectStatement(effect: LedgerEffect, plans: PlanNames): string | null {
  const say = statements[effect.tool];
  if (!say || typeof effect.result !== "object" || effect.result === null) return null;
  return say(effect.result as Result, plans);
}

/** The plan ids whose names the statements need. */
export function plansNamedBy(effects: LedgerEffect[]): string[] {
  return [...new Set(effects.filter((e) => e.tool === "change_plan").map((e) => String((e.result as Result | null)?.toPlanId ?? "")).filter(Boolean))];
}
