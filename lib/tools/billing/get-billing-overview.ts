import { z } from "zod";
import { today } from "../context";
import { defineTool } from "../define";
import { balanceCents, creditWindow, loadAccount, overdueCents } from "../account";
import { creditSchema, creditWindowSchema, invoiceSchema } from "./schemas";

export const getBillingOverview = defineTool({
  name: "get_billing_overview",
  description:
    "The customer's plan, add-ons, every invoice with its lines and payment state, balance, overdue amount, recent credits and the automatic credit limit still available.",
  sideEffect: false,
  progress: () => "Looked up your invoices and payments",
  inputSchema: {},
  outputSchema: {
    accountStatus: z.string(),
    plan: z.object({ id: z.string(), name: z.string(), monthlyCents: z.number().int() }),
    addOns: z.array(z.object({ id: z.string(), name: z.string(), monthlyCents: z.number().int(), since: z.string().nullable() })),
    invoices: z.array(invoiceSchema),
    balanceCents: z.number().int(),
    overdueCents: z.number().int(),
    credits: z.array(creditSchema).describe("Credits issued inside the automatic-credit window"),
    creditWindow: creditWindowSchema,
  },
  async run(ctx) {
    const account = await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy);
    const { credits, ...window } = creditWindow(account);
    return {
      accountStatus: account.status,
      plan: { id: account.plan.id, name: account.plan.name, monthlyCents: account.plan.monthlyCents },
      addOns: account.addOns,
      invoices: account.invoices,
      balanceCents: balanceCents(account),
      overdueCents: overdueCents(account),
      credits,
      creditWindow: window,
    };
  },
});
