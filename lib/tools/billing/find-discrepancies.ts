import { z } from "zod";
import { today } from "../context";
import { defineTool } from "../define";
import { findInvoice, loadAccount } from "../account";
import { findDiscrepancies } from "./discrepancies";
import { discrepancySchema, explanationSchema } from "./schemas";

export const findDiscrepanciesTool = defineTool({
  name: "find_discrepancies",
  description:
    "Checks every invoice line (or one invoice's) against the plan, add-ons, payment dates and plan-change dates. Returns charges that are wrong (with the amount a credit would be) and an explanation for every valid charge.",
  sideEffect: false,
  progress: (r) => (r.discrepancies?.length ? `Found ${r.discrepancies.length} billing issue(s)` : "Checked your charges"),
  inputSchema: { invoiceId: z.string().min(1).max(64).optional().describe("Limit the check to this invoice") },
  outputSchema: { discrepancies: z.array(discrepancySchema), explanations: z.array(explanationSchema) },
  async run(ctx, { invoiceId }) {
    const account = await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy);
    if (invoiceId) findInvoice(account, invoiceId);
    return findDiscrepancies(account, invoiceId ? [invoiceId] : undefined);
  },
});
