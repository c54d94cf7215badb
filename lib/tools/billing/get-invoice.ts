import { z } from "zod";
import { today } from "../context";
import { defineTool } from "../define";
import { findInvoice, loadAccount } from "../account";
import { creditSchema, invoiceSchema } from "./schemas";

export const getInvoice = defineTool({
  name: "get_invoice",
  description: "One of the customer's invoices with its lines, payments and credits.",
  sideEffect: false,
  progress: () => "Looked up the invoice",
  inputSchema: { invoiceId: z.string().min(1).max(64).describe("An invoice id such as INV-1001-2611") },
  outputSchema: {
    invoice: invoiceSchema,
    payments: z.array(z.object({ paidOn: z.string(), amountCents: z.number().int() })),
    credits: z.array(creditSchema),
  },
  async run(ctx, { invoiceId }) {
    const account = await loadAccount(ctx.db, ctx.customerId, today(ctx), ctx.policy);
    const invoice = findInvoice(account, invoiceId);
    return {
      invoice,
      payments: account.payments.filter((p) => p.invoiceId === invoice.id).map(({ paidOn, amountCents }) => ({ paidOn, amountCents })),
      credits: account.credits.filter((c) => c.invoiceId === invoice.id),
    };
  },
});
