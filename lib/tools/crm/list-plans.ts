import { z } from "zod";
import { loadAccount } from "../account";
import { today } from "../context";
import { defineTool } from "../define";
import { planSchema } from "./quote";

export const listPlans = defineTool({
  name: "list_plans",
  description: "The plan catalogue (speeds and monthly prices), cheapest first, marking the customer's current plan.",
  sideEffect: false,
  progress: () => "Compared plans",
  inputSchema: {},
  outputSchema: { currentPlanId: z.string(), plans: z.array(planSchema.extend({ current: z.boolean() })) },
  async run(ctx) {
    const a = await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy);
    return { currentPlanId: a.plan.id, plans: a.plans.map((p) => ({ ...p, current: p.id === a.plan.id })) };
  },
});
