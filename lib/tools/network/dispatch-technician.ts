import { z } from "zod";
import type { Tx } from "../../db/client";
import { decideDispatch } from "../../policy/dispatch";
import type { ToolContext } from "../context";
import { defineTool, idempotencyKeyInput, REPLAYED } from "../define";
import { notFound } from "../errors";
import { bumpCustomerVersion, bumpWorldVersion, lockCustomer, sideEffectKey, withIdempotency } from "../ledger";
import { activeOutage, loadLine } from "./line";

const slotSchema = z.object({ id: z.string(), zone: z.string(), startsAt: z.string() });
const outputSchema = {
  status: z.enum(["booked", "already_booked", "refused", "no_slot"]),
  reason: z.string(),
  dispatchId: z.string().optional(),
  slot: slotSchema.optional(),
  checks: z.array(z.object({ name: z.string(), verdict: z.enum(["pass", "fail"]), reason: z.string() })).optional(),
  replayed: z.boolean().describe(REPLAYED),
};
type DispatchResult = Omit<z.infer<z.ZodObject<typeof outputSchema>>, "replayed">;

const DAY_MS = 86_400_000;

/** What remote diagnosis found: the reset tried in this run, or (outside a run) one in the last day. */
async function remoteResetOutcome(tx: Tx, ctx: ToolContext, line: { status: string; lastResetAt: Date | null }) {
  if (ctx.runId) {
    const reset = await tx.sideEffect.findFirst({
      where: { runId: ctx.runId, customerId: ctx.customerId, tool: "remote_reset" },
      orderBy: { createdAt: "desc" },
    });
    const status = (reset?.result as { status?: string } | undefined)?.status;
    return status === "fixed" || status === "not_fixed" ? status : null;
  }
  if (!line.lastResetAt || ctx.clock.now().getTime() - line.lastResetAt.getTime() > DAY_MS) return null;
  return line.status === "ok" ? "fixed" : "not_fixed";
}

/** The first free slot in the zone, locked so a concurrent booking takes the next one. */
async function firstFreeSlot(tx: Tx, zone: string, after: Date) {
  const rows = await tx.$queryRaw<Array<{ id: string; zone: string; startsAt: Date }>>`
    SELECT s.id, s.zone, s."startsAt" FROM technician_slots s
    WHERE s.zone = ${zone} AND s."startsAt" > ${after}
      AND NOT EXISTS (SELECT 1 FROM dispatches d WHERE d."slotId" = s.id)
    ORDER BY s."startsAt", s.id
    LIMIT 1
    FOR UPDATE OF s SKIP LOCKED`;
  return rows[0];
}

export const dispatchTechnician = defineTool({
  name: "dispatch_technician",
  description:
    "Books a technician visit in the first free slot of the customer's zone. Only when the line is down or degraded, no outage in the zone explains it, a remote reset did not fix it, and the account is not suspended; otherwise refused with the reason. booked: this call booked the visit (slot). already_booked: a visit was booked before this call (by an earlier request, or another conversation of the customer's that got there first) for the slot returned; nothing new was booked. no_slot: no free slot in the zone.",
  sideEffect: true,
  progress: (r) => (r.status === "booked" ? "Booked a technician" : r.status === "already_booked" ? "A technician is already booked" : "Could not book a technician"),
  inputSchema: {
    reason: z.string().min(1).max(500).describe("The fault found, in a few words (for the technician)"),
    idempotencyKey: idempotencyKeyInput,
  },
  outputSchema,
  async run(ctx, { reason, idempotencyKey }) {
    const key = sideEffectKey(ctx, "dispatch_technician", [], idempotencyKey);
    return withIdempotency<DispatchResult>(
      ctx.db,
      { key, tool: "dispatch_technician", customerId: ctx.customerId, runId: ctx.runId, taskId: ctx.taskId, lease: ctx.lease, args: { reason }, signal: ctx.signal },
      async (tx) => {
        if (!(await lockCustomer(tx, ctx.customerId))) throw notFound("Customer", ctx.customerId);
        const l = await loadLine(tx, ctx.customerId);
        const now = ctx.clock.now();
        const outage = await activeOutage(tx, l.zone);
        const decision = decideDispatch({
          accountStatus: l.accountStatus,
          lineStatus: l.line.status,
          fixableRemotely: l.line.fixableRemotely,
          activeOutage: outage ? { id: outage.id, etaAt: outage.etaAt?.toISOString() ?? null } : null,
          remoteReset: await remoteResetOutcome(tx, ctx, l.line),
        });
        if (decision.verdict === "refused") return { status: "refused", reason: decision.reason, checks: decision.checks };

        const existing = await tx.dispatch.findFirst({
          where: { customerId: ctx.customerId, slot: { startsAt: { gt: now } } },
          include: { slot: true },
          orderBy: { slot: { startsAt: "asc" } },
        });
        if (existing) {
          return {
            status: "already_booked",
            reason: "A technician visit is already booked for this line",
            dispatchId: existing.id,
            slot: { id: existing.slot.id, zone: existing.slot.zone, startsAt: existing.slot.startsAt.toISOString() },
          };
        }
        const slot = await firstFreeSlot(tx, l.zone, now);
        if (!slot) return { status: "no_slot", reason: `No free technician slot in zone ${l.zone}`, checks: decision.checks };
        const dispatch = await tx.dispatch.create({ data: { customerId: ctx.customerId, slotId: slot.id, reason, runId: ctx.runId ?? null } });
        await bumpCustomerVersion(tx, ctx.customerId);
        await bumpWorldVersion(tx);
        return {
          status: "booked",
          reason: decision.reason,
          dispatchId: dispatch.id,
          slot: { id: slot.id, zone: slot.zone, startsAt: new Date(slot.startsAt).toISOString() },
          checks: decision.checks,
        };
      },
      { record: (r) => r.status === "booked" },
    );
  },
});
