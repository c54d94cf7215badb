import { z } from "zod";
import { remainingWholeMonths } from "../../policy/early-termination-fee";
import { balanceCents, loadAccount, overdueCents } from "../account";
import { today } from "../context";
import { defineTool } from "../define";
import { planSchema } from "./quote";

export const getProfile = defineTool({
  name: "get_profile",
  description: "The customer's profile: name, email, zone, account status, current plan and add-ons, contract end, and any overdue amount.",
  sideEffect: false,
  progress: () => "Looked up your account",
  inputSchema: {},
  outputSchema: {
    name: z.string(),
    email: z.string(),
    zone: z.string(),
    status: z.string().describe("active | suspended"),
    plan: planSchema,
    planChangedOn: z.string().nullable(),
    addOns: z.array(z.object({ id: z.string(), name: z.string(), monthlyCents: z.number().int(), since: z.string().nullable() })),
    contractEndsOn: z.string(),
    inContract: z.boolean(),
    remainingContractMonths: z.number().int(),
    overdueCents: z.number().int(),
    balanceCents: z.number().int(),
  },
  async run(ctx) {
    const a = await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy);
    return {
      name: a.name,
      email: a.email,
      zone: a.zone,
      status: a.status,
      plan: a.plan,
      planChangedOn: a.planChangedOn,
      addOns: a.addOns,
      contractEndsOn: a.contractEndsOn,
      inContract: a.contractEndsOn > a.today,
      remainingContractMonths: remainingWholeMonths(a.today, a.contractEndsOn),
      overdueCents: overdueCents(a),
      balanceCents: balanceCents(a),
    };
  },
});
