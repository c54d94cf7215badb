import { dollars } from "./guardrails";

export interface PlanFacts {
  id: string;
  name: string;
  monthlyCents: number;
  downMbps: number;
}

export type PlanDirection = "upgrade" | "downgrade" | "same";
export type PlanChangeDecision = "allowed" | "needs_approval" | "refused";

/** A move to a plan that costs more per month (ties broken by speed) is an upgrade. */
export function planDirection(fromPlan: PlanFacts, toPlan: PlanFacts): PlanDirection {
  if (fromPlan.id === toPlan.id) return "same";
  if (toPlan.monthlyCents !== fromPlan.monthlyCents) return toPlan.monthlyCents > fromPlan.monthlyCents ? "upgrade" : "downgrade";
  return toPlan.downMbps >= fromPlan.downMbps ? "upgrade" : "downgrade";
}

/**
 * Plan-change rules: no change on a suspended or overdue account, nor to the same plan;
 * an upgrade or a fee-free downgrade applies at once; a downgrade with an
 * early-termination fee waits for a human.
 */
export function decidePlanChange(input: {
  status: string;
  overdueCents: number;
  fromPlan: PlanFacts;
  toPlan: PlanFacts;
  /** The early-termination fee a downgrade would trigger (ignored for upgrades). */
  feeCents: number;
}): { decision: PlanChangeDecision; direction: PlanDirection; feeCents: number; reason: string } {
  const direction = planDirection(input.fromPlan, input.toPlan);
  const feeCents = direction === "downgrade" ? input.feeCents : 0;
  const to = input.toPlan.name;
  if (input.status === "suspended") {
    return { decision: "refused", direction, feeCents, reason: "The account is suspended: no plan change until service is restored" };
  }
  if (input.overdueCents > 0) {
    return {
      decision: "refused",
      direction,
      feeCents,
      reason: `The account has ${dollars(input.overdueCents)} overdue: no plan change until it is paid`,
    };
  }
  if (direction === "same") return { decision: "refused", direction, feeCents: 0, reason: `The account is already on ${to}` };
  if (direction === "upgrade") return { decision: "allowed", direction, feeCents: 0, reason: `Upgrade to ${to} applies at once, no fee` };
  if (feeCents > 0) {
    return {
      decision: "needs_approval",
      direction,
      feeCents,
      reason: `Downgrade to ${to} during the contract triggers a ${dollars(feeCents)} early-termination fee: a human must approve it`,
    };
  }
  return { decision: "allowed", direction, feeCents: 0, reason: `Downgrade to ${to} has no early-termination fee and applies at once` };
}
