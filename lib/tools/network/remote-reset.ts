import { z } from "zod";
import { defineTool, idempotencyKeyInput, REPLAYED } from "../define";
import { notFound } from "../errors";
import { bumpCustomerVersion, lockCustomer, sideEffectKey, withIdempotency } from "../ledger";
import { lineSchema, lineView, loadLine } from "./line";

const outputSchema = {
  status: z.enum(["fixed", "not_fixed", "no_fault", "refused"]),
  reason: z.string(),
  line: lineSchema,
  replayed: z.boolean().describe(REPLAYED),
};
type ResetResult = Omit<z.infer<z.ZodObject<typeof outputSchema>>, "replayed">;

export const remoteReset = defineTool({
  name: "remote_reset",
  description:
    "Resets the customer's line remotely (ONT/port re-provisioning) and re-tests it. fixed: this reset cleared the fault, the line is back to normal; not_fixed: this reset ran and the fault is beyond remote reach; no_fault: the line already tests healthy (it recovered, or another conversation of the customer's fixed it first), so no reset was run and nothing was changed; refused: the account is suspended.",
  sideEffect: true,
  progress: (r) => (r.status === "fixed" ? "Remote reset fixed the line" : r.status === "no_fault" ? "Your line tests healthy now" : r.status === "refused" ? "Remote reset not possible" : "Tried a remote reset"),
  inputSchema: { idempotencyKey: idempotencyKeyInput },
  outputSchema,
  async run(ctx, { idempotencyKey }) {
    const key = sideEffectKey(ctx, "remote_reset", [], idempotencyKey);
    return withIdempotency<ResetResult>(
      ctx.db,
      { key, tool: "remote_reset", customerId: ctx.customerId, runId: ctx.runId, taskId: ctx.taskId, lease: ctx.lease, args: {}, signal: ctx.signal },
      async (tx) => {
        if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
        const l = await loadLine(tx, ctx.customerId);
        if (l.accountStatus === "suspended") {
          return { status: "refused", reason: "The account is suspended: the line stays disabled until service is restored", line: lineView(l) };
        }
        if (l.line.status === "ok") return { status: "no_fault", reason: "The line tests healthy now: no reset was run", line: lineView(l) };
        const now = ctx.clock.now();
        const fixed = l.line.fixableRemotely;
        const line = await tx.lineState.update({
          where: { customerId: ctx.customerId },
          data: fixed
            ? { status: "ok", packetLossPct: 0, latencyMs: Math.min(l.line.latencyMs ?? 12, 12), downMbps: Math.round(l.plan.downMbps * 0.97), lastResetAt: now }
            : { lastResetAt: now },
        });
        await bumpCustomerVersion(tx, ctx.customerId);
        const view = lineView({ ...l, line });
        return fixed
          ? { status: "fixed", reason: "The remote reset cleared the fault: the line is back to normal", line: view }
          : { status: "not_fixed", reason: `The remote reset did not help: the line is still ${line.status}`, line: view };
      },
      { record: (r) => r.status === "fixed" || r.status === "not_fixed" },
    );
  },
});
