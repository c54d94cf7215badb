import { z } from "zod";
import type { Db, Tx } from "./client";

// The one writer of the audit log (table audit_log, see the migration "audit_log").
//
// Call it inside the transaction of the change an entry records, with that
// transaction's client: the entry then commits or rolls back with the change. The
// database does the rest: it stamps the time and the payload's hash on insert, and
// at commit seals the entry into the chain (its position and hash) under the chain
// head's row lock. Nothing here takes a lock, so an append never holds up a run.

/** Kinds in use: run_created, transition, event, sign_in, export, plus what other features add (e.g. setting_changed). */
export const auditEntrySchema = z.object({
  /** What happened, snake_case: `transition`, `event`, `sign_in`, `export`, `setting_changed`… */
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  /** Who: a staff email, `customer:<id>`, or `system:<lease owner>` for the executor. */
  actor: z.string().min(1).max(320),
  /** The run the entry belongs to, when it belongs to one. */
  runId: z.string().min(1).max(64).nullish(),
  /** What it is about, e.g. `review:<id>`, `invocation:<id>`, `setting:<name>`. */
  subject: z.string().min(1).max(200).nullish(),
  /** The content: any JSON value. Retention may later remove it; its hash stays. */
  payload: z.unknown(),
});
export type AuditEntryInput = z.input<typeof auditEntrySchema>;

/** Appends one audit entry in the caller's transaction (`tx`). Throws on a malformed entry. */
export async function appendAudit(tx: Db | Tx, entry: AuditEntryInput): Promise<void> {
  const e = auditEntrySchema.parse(entry);
  await tx.$executeRaw`
    INSERT INTO audit_log (kind, actor, "runId", subject, payload, "payloadHash")
    VALUES (${e.kind}, ${e.actor}, ${e.runId ?? null}, ${e.subject ?? null}, ${JSON.stringify(e.payload ?? null)}::jsonb, '')`;
}

/**
 * Runs `fn` in a transaction: the caller's, when `db` is already a transaction
 * client, else a new one. For store functions that write a change and its audit
 * entry and may be called either way.
 */
export function inTransaction<T>(db: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in db && typeof db.$transaction === "function" ? (db as Db).$transaction(fn) : fn(db);
}
