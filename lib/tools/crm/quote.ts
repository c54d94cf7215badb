import { z } from "zod";
import { earlyTerminationFee } from "../../policy/early-termination-fee";
import { decidePlanChange } from "../../policy/plan-change";
import { overdueCents, type AccountFacts } from "../account";
import { ToolError } from "../errors";

export const planSchema = z.object({ id: z.string(), name: z.string(), monthlyCents: z.number().int(), downMbps: z.number().int(), upMbps: z.number().int() });

export const quoteSchema = {
  fromPlan: planSchema,
  toPlan: planSchema,
  direction: z.enum(["upgrade", "downgrade", "same"]),
  contractEndsOn: z.string(),
  remainingMonths: z.number().int().describe("Whole months left on the contract"),
  feeCents: z.number().int().describe("Early-termination fee the change triggers (downgrades in contract only)"),
  decision: z.enum(["allowed", "needs_approval", "refused"]),
  reason: z.string(),
};
export type PlanQuote = z.infer<z.ZodObject<typeof quoteSchema>>;

/** The plan, or a not_found error that lists the catalogue (public) so the caller can retry. */
function findPlan(account: AccountFacts, planId: string) {
  const plan = account.plans.find((p) => p.id === planId);
  if (!plan) throw new ToolError("not_found", `Plan ${planId} not found; plans: ${account.plans.map((p) => p.id).join(", ")}`);
  return plan;
}

/** What moving to `toPlanId` would cost and whether it may happen now. */
export function quotePlanChange(account: AccountFacts, toPlanId: string): PlanQuote {
  const toPlan = findPlan(account, toPlanId);
  const etf = earlyTerminationFee({ today: account.today, contractEndsOn: account.contractEndsOn, policy: account.policy });
  const d = decidePlanChange({
    status: account.status,
    overdueCents: overdueCents(account),
    fromPlan: account.plan,
    toPlan,
    feeCents: etf.feeCents,
  });
  return {
    fromPlan: account.plan,
    toPlan,
    direction: d.direction,
    contractEndsOn: account.contractEndsOn,
    remainingMonths: etf.remainingMonths,
    feeCents: d.feeCents,
    decision: d.decision,
    reason: d.reason,
  };
}
