import { z } from "zod";
import { dateOnly } from "../../clock";
import type { Tx } from "../../db/client";
import { loadAccount } from "../account";
import { today, type ToolContext } from "../context";
import { defineTool, idempotencyKeyInput, REPLAYED } from "../define";
import { notFound } from "../errors";
import { lockCustomer, sideEffectKey, withIdempotency, type Replayable } from "../ledger";
import { pendingSince } from "../pending-review";
import { quotePlanChange } from "./quote";

const outputSchema = {
  status: z.enum(["applied", "needs_approval", "already_pending", "already_on_plan", "refused"]),
  reason: z.string(),
  fromPlanId: z.string(),
  toPlanId: z.string(),
  feeCents: z.number().int(),
  planChangeId: z.string().optional().describe("Set when applied"),
  effectiveOn: z.string().optional().describe("Set when applied"),
  pendingSince: z.string().optional().describe("Set when already_pending: when that change was sent for approval (ISO)"),
  reviewKind: z.literal("downgrade_fee").optional().describe("Set when needs_approval: the review item to create"),
  proposedAction: z
    .object({ type: z.literal("plan_change"), toPlanId: z.string(), feeCents: z.number().int() })
    .optional()
    .describe("Set when needs_approval: what a reviewer would approve"),
  replayed: z.boolean().describe(REPLAYED),
};
type ChangePlanResult = Omit<z.infer<z.ZodObject<typeof outputSchema>>, "replayed">;

// Being on the plan already is the truth whatever else holds (a suspended account too):
// not a refusal, and nothing is left to change.
const alreadyOn = (name: string) => `The account is already on ${name}: nothing was changed`;

/**
 * Moves the customer to the plan: a PlanChange row and the customer's plan fields, one
 * version bump. The row keeps the account's earlier change record, which the customer's
 * fields no longer hold afterwards: the invoices already issued billed by it.
 */
async function applyPlanChange(tx: Tx, ctx: ToolContext, change: { fromPlanId: string; toPlanId: string; feeCents: number; source: string }) {
  const effectiveOn = dateOnly(today(ctx));
  const prior = await tx.customer.findUniqueOrThrow({ where: { id: ctx.customerId }, select: { previousPlanId: true, planChangedOn: true } });
  const row = await tx.planChange.create({
    data: { customerId: ctx.customerId, ...change, effectiveOn, runId: ctx.runId ?? null, priorPlanId: prior.previousPlanId, priorChangedOn: prior.planChangedOn },
  });
  await tx.customer.update({
    where: { id: ctx.customerId },
    data: { planId: change.toPlanId, previousPlanId: change.fromPlanId, planChangedOn: effectiveOn, dataVersion: { increment: 1 } },
  });
  return { planChangeId: row.id, effectiveOn: today(ctx) };
}

export const changePlan = defineTool({
  name: "change_plan",
  description:
    "Changes the customer's plan. applied: upgrades and fee-free downgrades apply at once, by this call. needs_approval: a downgrade with an early-termination fee; the proposed action goes to a human (nothing changes). already_pending: that very change already waits for a reviewer (sent earlier, see pendingSince); nothing new was proposed. already_on_plan: the account was already on that plan before this call (changed by an earlier request, or by another conversation of the customer's that got there first); nothing was changed now. refused: a suspended or overdue account, nothing changes.",
  sideEffect: true,
  progress: (r) =>
    r.status === "applied" ? "Changed your plan" : r.status === "needs_approval" ? "Sent the plan change for approval" : r.status === "already_pending" ? "That change is already waiting for approval" : r.status === "already_on_plan" ? "You're already on that plan" : "Plan change not possible",
  inputSchema: { toPlanId: z.string().min(1).max(64).describe("A plan id from list_plans"), idempotencyKey: idempotencyKeyInput },
  outputSchema,
  async run(ctx, { toPlanId, idempotencyKey }) {
    const key = sideEffectKey(ctx, "change_plan", [toPlanId], idempotencyKey);
    return withIdempotency<ChangePlanResult>(
      ctx.db,
      { key, tool: "change_plan", customerId: ctx.customerId, runId: ctx.runId, taskId: ctx.taskId, lease: ctx.lease, args: { toPlanId }, signal: ctx.signal },
      async (tx) => {
        if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
        const q = quotePlanChange(await loadAccount(tx, ctx.customerId, today(ctx), ctx.policy), toPlanId);
        const base = { reason: q.reason, fromPlanId: q.fromPlan.id, toPlanId: q.toPlan.id, feeCents: q.feeCents };
        if (q.direction === "same") return { status: "already_on_plan", ...base, reason: alreadyOn(q.toPlan.name) };
        if (q.decision === "refused") return { status: "refused", ...base };
        if (q.decision === "needs_approval") {
          const since = await pendingSince(tx, ctx.customerId, (a) => a.type === "plan_change" && a.toPlanId === q.toPlan.id);
          if (since) return { status: "already_pending", ...base, reason: `A change to ${q.toPlan.name} already waits for a reviewer's approval`, pendingSince: since.toISOString() };
          return { status: "needs_approval", ...base, reviewKind: "downgrade_fee", proposedAction: { type: "plan_change", toPlanId: q.toPlan.id, feeCents: q.feeCents } };
        }
        const applied = await applyPlanChange(tx, ctx, { fromPlanId: q.fromPlan.id, toPlanId: q.toPlan.id, feeCents: q.feeCents, source: "automatic" });
        return { status: "applied", ...base, ...applied };
      },
      { record: (r) => r.status === "applied" },
    );
  },
});

/**
 * Applies a plan change a reviewer approved, with the approved fee, exactly once per
 * review. Still refused on a suspended or overdue account; already_on_plan if the account
 * is on that plan by then.
 */
export async function applyApprovedPlanChange(
  ctx: ToolContext,
  input: { toPlanId: string; feeCents: number; reviewId: string },
): Promise<Replayable<ChangePlanResult>> {
  return withIdempotency<ChangePlanResult>(
    ctx.db,
    { key: `review:${input.reviewId}`, tool: "change_plan", customerId: ctx.customerId, runId: ctx.runId, lease: ctx.lease, args: input },
    async (tx) => {
      if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
      const q = quotePlanChange(await loadAccount(tx, ctx.customerId, today(ctx), ctx.policy), input.toPlanId);
      const base = { fromPlanId: q.fromPlan.id, toPlanId: q.toPlan.id, feeCents: input.feeCents };
      if (q.direction === "same") return { status: "already_on_plan", reason: alreadyOn(q.toPlan.name), ...base };
      if (q.decision === "refused") return { status: "refused", reason: q.reason, ...base };
      const applied = await applyPlanChange(tx, ctx, { ...base, source: "approved" });
      return { status: "applied", reason: "Approved by a reviewer", ...base, ...applied };
    },
    { record: (r) => r.status === "applied" },
  );
}
