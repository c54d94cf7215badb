import { z } from "zod";
import { loadAccount } from "../account";
import { today } from "../context";
import { defineTool } from "../define";
import { quotePlanChange, quoteSchema } from "./quote";

export const quotePlanChangeTool = defineTool({
  name: "quote_plan_change",
  description:
    "Quotes a change to another plan without making it: upgrade or downgrade, whole months left on the contract, the early-termination fee, and whether the change would be allowed now, need a human's approval, or be refused (and why).",
  sideEffect: false,
  progress: () => "Quoted the plan change",
  inputSchema: { toPlanId: z.string().min(1).max(64).describe("A plan id from list_plans, e.g. fiber-300") },
  outputSchema: quoteSchema,
  async run(ctx, { toPlanId }) {
    return quotePlanChange(await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy), toPlanId);
  },
});
