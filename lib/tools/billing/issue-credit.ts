import { z } from "zod";
import { dateOnly } from "../../clock";
import type { Tx } from "../../db/client";
import { decideCredit } from "../../policy/credit-limit";
import { dollars } from "../../policy/guardrails";
import { today, type ToolContext } from "../context";
import { defineTool, idempotencyKeyInput, REPLAYED } from "../define";
import { notFound } from "../errors";
import { bumpCustomerVersion, lockCustomer, sideEffectKey, withIdempotency, type Replayable } from "../ledger";
import { creditWindow, findInvoice, loadAccount, type AccountFacts } from "../account";
import { pendingSince } from "../pending-review";
import { findDiscrepancies, type Discrepancy } from "./discrepancies";
import { creditWindowSchema } from "./schemas";

const proposedCredit = z.object({ type: z.literal("credit"), invoiceId: z.string(), amountCents: z.number().int(), reason: z.string() });

const outputSchema = {
  status: z.enum(["applied", "needs_approval", "already_pending", "already_credited", "refused"]),
  reason: z.string(),
  invoiceId: z.string().optional(),
  amountCents: z.number().int().optional(),
  creditId: z.string().optional().describe("Set when applied"),
  reviewKind: z.literal("credit_over_limit").optional().describe("Set when needs_approval: the review item to create"),
  proposedAction: proposedCredit.optional().describe("Set when needs_approval: what a reviewer would approve"),
  creditWindow: creditWindowSchema.optional(),
  pendingSince: z.string().optional().describe("Set when already_pending: when that credit was sent for approval (ISO)"),
  replayed: z.boolean().describe(REPLAYED),
};
type IssueCreditResult = z.infer<z.ZodObject<typeof outputSchema>>;
type Decided = Omit<IssueCreditResult, "replayed">;

/**
 * The open (not yet credited) discrepancy on the invoice a credit of this amount would
 * settle; or, when that discrepancy is credited already (by an earlier request, or by a
 * concurrent run of the same customer that got there first), that fact: not a refusal,
 * the charge is settled, and nothing is credited twice.
 */
function matchDiscrepancy(account: AccountFacts, invoiceId: string, amountCents: number): { match?: Discrepancy; alreadyCredited?: string; refusal?: string } {
  findInvoice(account, invoiceId);
  const all = findDiscrepancies(account, [invoiceId]).discrepancies;
  const match = all.find((d) => !d.credited && d.amountCents === amountCents);
  if (match) return { match };
  if (all.some((d) => d.credited && d.amountCents === amountCents)) {
    return { alreadyCredited: `The ${dollars(amountCents)} discrepancy on ${invoiceId} has already been credited` };
  }
  const open = all.filter((d) => !d.credited);
  return {
    refusal:
      `No open billing discrepancy of ${dollars(amountCents)} on ${invoiceId}: credits are only issued for a charge find_discrepancies confirms` +
      (open.length ? ` (open: ${open.map((d) => `${dollars(d.amountCents)} ${d.kind}`).join(", ")})` : " (it has none)"),
  };
}

async function createCredit(tx: Tx, ctx: ToolContext, data: { invoiceId: string; amountCents: number; reason: string; source: string }) {
  const credit = await tx.credit.create({
    data: { customerId: ctx.customerId, ...data, issuedOn: dateOnly(today(ctx)), runId: ctx.runId ?? null },
  });
  await bumpCustomerVersion(tx, ctx.customerId);
  return credit;
}

export const issueCredit = defineTool({
  name: "issue_credit",
  description:
    "Credits a billing discrepancy that find_discrepancies reported, for exactly its amount. applied: credited now by this call. needs_approval: above the automatic credit limit; the proposed action goes to a human reviewer (nothing is credited). already_pending: that very credit already waits for a reviewer (sent earlier, see pendingSince); nothing new was proposed. already_credited: that discrepancy was credited before this call (by an earlier request, or another conversation of the customer's that got there first); nothing was credited now, the charge is already settled. refused: any other amount, nothing credited.",
  sideEffect: true,
  progress: (r) =>
    r.status === "applied" ? "Applied a credit" : r.status === "needs_approval" ? "Sent a credit for approval" : r.status === "already_pending" ? "That credit is already waiting for approval" : r.status === "already_credited" ? "That charge was already credited" : "Credit not applied",
  inputSchema: {
    invoiceId: z.string().min(1).max(64),
    amountCents: z.number().int().positive().max(10_000_000).describe("The discrepancy's amount in cents"),
    reason: z.string().min(1).max(500).describe("Why, in a few words (recorded for audit)"),
    idempotencyKey: idempotencyKeyInput,
  },
  outputSchema,
  async run(ctx, { invoiceId, amountCents, reason, idempotencyKey }) {
    const key = sideEffectKey(ctx, "issue_credit", [invoiceId, amountCents], idempotencyKey);
    return withIdempotency<Decided>(
      ctx.db,
      { key, tool: "issue_credit", customerId: ctx.customerId, runId: ctx.runId, taskId: ctx.taskId, lease: ctx.lease, args: { invoiceId, amountCents, reason }, signal: ctx.signal },
      async (tx) => {
        if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
        const account = await loadAccount(tx, ctx.customerId, today(ctx), ctx.policy);
        const { match, alreadyCredited, refusal } = matchDiscrepancy(account, invoiceId, amountCents);
        if (alreadyCredited) return { status: "already_credited", reason: alreadyCredited, invoiceId, amountCents };
        if (!match) return { status: "refused", reason: refusal!, invoiceId, amountCents };
        const { credits: _credits, ...window } = creditWindow(account);
        const decision = decideCredit({ priorCredits: account.credits, amountCents, today: account.today, policy: account.policy });
        if (decision.verdict === "needs_approval") {
          const since = await pendingSince(tx, ctx.customerId, (a) => a.type === "credit" && a.invoiceId === invoiceId && a.amountCents === amountCents);
          if (since) {
            return { status: "already_pending", reason: `A credit of ${dollars(amountCents)} on ${invoiceId} already waits for a reviewer's approval`, invoiceId, amountCents, pendingSince: since.toISOString() };
          }
          return {
            status: "needs_approval",
            reason: decision.reason,
            invoiceId,
            amountCents,
            reviewKind: "credit_over_limit",
            proposedAction: { type: "credit", invoiceId, amountCents, reason: match.description },
            creditWindow: window,
          };
        }
        const credit = await createCredit(tx, ctx, { invoiceId, amountCents, reason: match.description, source: "automatic" });
        return {
          status: "applied",
          reason: decision.reason,
          invoiceId,
          amountCents,
          creditId: credit.id,
          creditWindow: { ...window, usedCents: window.usedCents + amountCents, remainingCents: Math.max(0, window.remainingCents - amountCents) },
        };
      },
      { record: (r) => r.status === "applied" },
    );
  },
});

/**
 * Applies a credit a reviewer approved (source "approved", no limit check), exactly once
 * per review. Answers already_credited if the discrepancy was credited meanwhile, so two
 * approvals of the same charge cannot pay it twice.
 */
export async function applyApprovedCredit(
  ctx: ToolContext,
  input: { invoiceId: string; amountCents: number; reason: string; reviewId: string },
): Promise<Replayable<{ status: "applied" | "already_credited" | "refused"; reason: string; creditId?: string; invoiceId: string; amountCents: number }>> {
  const { invoiceId, amountCents, reason } = input;
  return withIdempotency(
    ctx.db,
    { key: `review:${input.reviewId}`, tool: "issue_credit", customerId: ctx.customerId, runId: ctx.runId, lease: ctx.lease, args: input },
    async (tx) => {
      if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
      const account = await loadAccount(tx, ctx.customerId, today(ctx), ctx.policy);
      const { match, alreadyCredited, refusal } = matchDiscrepancy(account, invoiceId, amountCents);
      if (alreadyCredited) return { status: "already_credited" as const, reason: alreadyCredited, invoiceId, amountCents };
      if (!match) return { status: "refused" as const, reason: refusal!, invoiceId, amountCents };
      const credit = await createCredit(tx, ctx, { invoiceId, amountCents, reason, source: "approved" });
      return { status: "applied" as const, reason: "Approved by a reviewer", creditId: credit.id, invoiceId, amountCents };
    },
    { record: (r) => r.status === "applied" },
  );
}
