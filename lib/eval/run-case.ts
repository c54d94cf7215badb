import type { Db } from "../db/client";
import { resetWorld } from "../db/seed";
import type { EngineDeps } from "../orchestrator/deps";
import { planSchema } from "../contracts";
import { submitMessage } from "../orchestrator/engine";
import type { World } from "../world/fixture";
import type { EvalCase } from "./cases";
import { internalCodes } from "./reply-check";
import type { Observed } from "./score";

/** Puts the scratch database back to the freshly seeded world before a case. */
export type WorldReset = () => Promise<void>;

/**
 * Runs one case and reads back what happened: on a freshly seeded world (`reset`), or,
 * for a later turn of a conversation, on the world as the turns before left it and in
 * their conversation (`reset: null`, `conversationId`).
 */
export async function runCase(
  deps: EngineDeps,
  world: World,
  c: EvalCase,
  reset: WorldReset | null = () => resetWorld(deps.db, world),
  conversationId?: string,
): Promise<Observed & { runId: string; conversationId: string; status: string; tokensIn: number; tokensOut: number }> {
  const db: Db = deps.db;
  await reset?.();
  const before = await db.customer.findUniqueOrThrow({ where: { id: c.customerId } });
  const started = Date.now();
  const { run, done } = await submitMessage(deps, { customerId: c.customerId, message: c.message, ...(conversationId ? { conversationId } : {}) });
  await done;
  const latencyMs = Date.now() - started;
  const finished = await db.run.findUniqueOrThrow({ where: { id: run.id } });
  const plan = finished.plan ? planSchema.parse(finished.plan) : null;
  const [credits, reviews, dispatches, withdrawn, after] = await Promise.all([
    db.credit.findMany({ where: { runId: run.id } }),
    db.reviewItem.findMany({ where: { runId: run.id } }),
    db.dispatch.count({ where: { runId: run.id } }),
    db.reviewItem.count({ where: { withdrawnByRunId: run.id } }),
    db.customer.findUniqueOrThrow({ where: { id: c.customerId } }),
  ]);
  const action = (r: (typeof reviews)[number]) => (r.proposedAction ?? {}) as { type?: string; amountCents?: number; toPlanId?: string };
  const others = world.customers.filter((x) => x.id !== c.customerId);
  return {
    runId: run.id,
    conversationId: run.conversationId,
    status: finished.status,
    tokensIn: finished.tokensIn,
    tokensOut: finished.tokensOut,
    workers: plan?.tasks.map((t) => t.worker) ?? [],
    outOfScope: plan?.kind === "out_of_scope",
    smallTalk: plan?.kind === "small_talk",
    handoff: plan?.kind === "handoff",
    creditsApplied: credits.map((x) => x.amountCents),
    creditReviews: reviews.filter((r) => action(r).type === "credit").map((r) => action(r).amountCents ?? -1),
    planBefore: before.planId,
    planAfter: after.planId,
    planReviews: reviews.filter((r) => action(r).type === "plan_change").map((r) => action(r).toPlanId ?? ""),
    dispatched: dispatches > 0,
    reviewKinds: reviews.map((r) => r.kind),
    withdrawn,
    reply: finished.reply ?? "",
    latencyMs,
    otherCustomersMarkers: others.flatMap((x) => [x.name, x.email, x.id, ...x.invoices.map((i) => i.id)]),
    internalCodes: internalCodes(world),
  };
}

const SNAPSHOT_SCHEMA = "eval_world_snapshot";
/** Tables `resetWorld` leaves alone: staff accounts, settings (versions, trials), background jobs, the append-only audit log, and the migration ledger. */
export const KEPT_TABLES: ReadonlySet<string> = new Set(["staff_users", "settings_versions", "settings_trials", "jobs", "audit_log", "audit_chain_head", "_prisma_migrations"]);

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface WorldSnapshot {
  /** The same state `resetWorld` produces (rows, ids and sequences), in one batch of statements. */
  restore: WorldReset;
  /** Drops the snapshot. */
  dispose(): Promise<void>;
}

/**
 * Seeds the world once with `resetWorld`, copies every table it owns into a side
 * schema, and returns a `restore` that truncates those tables and copies the rows
 * back, parents before children, then sets each table's sequences to where the
 * seed left them. The whole restore is one transaction and one round trip, where
 * `resetWorld` makes a round trip per inserted row (about 60): on a busy machine
 * that is most of an evaluation's time. What a case sees is unchanged, which
 * `run-case.test.ts` checks table by table against `resetWorld`.
 */
export async function snapshotWorld(db: Db, world: World): Promise<WorldSnapshot> {
  await resetWorld(db, world);
  const tables = (
    await db.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
    )
  )
    .map((t) => t.name)
    .filter((t) => !KEPT_TABLES.has(t));
  // Foreign keys between the tables: a parent's rows go back before its children's.
  const fks = await db.$queryRawUnsafe<Array<{ child: string; parent: string }>>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
  const order: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (order.includes(t) || path.has(t)) return;
    path.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t && tables.includes(fk.parent)) visit(fk.parent, path);
    path.delete(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  // Sequences owned by those tables and where the seed left them (null: never used).
  const sequences = await db.$queryRawUnsafe<Array<{ seq: string; last: bigint | null }>>(
    `SELECT format('%I.%I', s.schemaname, s.sequencename) AS seq, s.last_value AS last
       FROM pg_sequences s
       JOIN pg_class sc ON sc.relname = s.sequencename
       JOIN pg_namespace sn ON sn.oid = sc.relnamespace AND sn.nspname = s.schemaname
       JOIN pg_depend d ON d.objid = sc.oid AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid
     WHERE s.schemaname = current_schema() AND t.relname = ANY($1::text[])`,
    tables,
  );
  await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SNAPSHOT_SCHEMA} CASCADE`);
  await db.$executeRawUnsafe(`CREATE SCHEMA ${SNAPSHOT_SCHEMA}`);
  for (const t of tables) await db.$executeRawUnsafe(`CREATE TABLE ${SNAPSHOT_SCHEMA}.${ident(t)} AS TABLE ${ident(t)}`);

  const script = [
    "SELECT pg_advisory_xact_lock(72707370)",
    `TRUNCATE ${tables.map(ident).join(", ")} RESTART IDENTITY CASCADE`,
    ...order.map((t) => `INSERT INTO ${ident(t)} SELECT * FROM ${SNAPSHOT_SCHEMA}.${ident(t)}`),
    ...sequences.filter((s) => s.last !== null).map((s) => `SELECT setval('${s.seq.replace(/'/g, "''")}', ${String(s.last)}, true)`),
  ].join(";\n");
  return {
    // No parameters: the statements travel together as one simple query.
    restore: () => db.$transaction((tx) => tx.$executeRawUnsafe(script), { timeout: 60_000 }).then(() => undefined),
    dispose: () => db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SNAPSHOT_SCHEMA} CASCADE`).then(() => undefined),
  };
}
