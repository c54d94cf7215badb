import type { Db } from "../db/client";
import { resetWorld } from "../db/seed";
import type { EngineDeps } from "../orchestrator/deps";
import { planSchema } from "../contracts";
import { submitMessage } from "../orchestrator/engine";
import type { World } from "../world/fixture";
import type { EvalCase } from "./cases";
import type { Observed } from "./score";

/** Runs one case on a freshly seeded world and reads back what happened. */
export async function runCase(deps: EngineDeps, world: World, c: EvalCase): Promise<Observed & { runId: string; status: string }> {
  const db: Db = deps.db;
  await resetWorld(db, world);
  const before = await db.customer.findUniqueOrThrow({ where: { id: c.customerId } });
  const started = Date.now();
  const { run, done } = await submitMessage(deps, { customerId: c.customerId, message: c.message });
  await done;
  const latencyMs = Date.now() - started;
  const finished = await db.run.findUniqueOrThrow({ where: { id: run.id } });
  const plan = finished.plan ? planSchema.parse(finished.plan) : null;
  const [credits, reviews, dispatches, after] = await Promise.all([
    db.credit.findMany({ where: { runId: run.id } }),
    db.reviewItem.findMany({ where: { runId: run.id } }),
    db.dispatch.count({ where: { runId: run.id } }),
    db.customer.findUniqueOrThrow({ where: { id: c.customerId } }),
  ]);
  const action = (r: (typeof reviews)[number]) => (r.proposedAction ?? {}) as { type?: string; amountCents?: number; toPlanId?: string };
  const others = world.customers.filter((x) => x.id !== c.customerId);
  return {
    runId: run.id,
    status: finished.status,
    workers: plan?.tasks.map((t) => t.worker) ?? [],
    outOfScope: plan?.kind === "out_of_scope",
    smallTalk: plan?.kind === "small_talk",
    creditsApplied: credits.map((x) => x.amountCents),
    creditReviews: reviews.filter((r) => action(r).type === "credit").map((r) => action(r).amountCents ?? -1),
    planBefore: before.planId,
    planAfter: after.planId,
    planReviews: reviews.filter((r) => action(r).type === "plan_change").map((r) => action(r).toPlanId ?? ""),
    dispatched: dispatches > 0,
    reviewKinds: reviews.map((r) => r.kind),
    reply: finished.reply ?? "",
    latencyMs,
    otherCustomersMarkers: others.flatMap((x) => [x.name, x.email, x.id, ...x.invoices.map((i) => i.id)]),
  };
}
