import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";
import { verifyAuditChain, type ChainReport } from "./verify";

// One run as the audit browser shows it and exports it: the stored run, every worker
// invocation with its tool calls, the model calls, the reviews, the run's own audit
// entries, and whether those entries' links in the chain verify.

/** The run with everything stored about it, or null. */
export async function loadRunRecord({ db, runId }: { db: Db; runId: string }) {
  const run = await db.run.findUnique({
    where: { id: runId },
    include: {
      conversation: { select: { customer: { select: { id: true, name: true, email: true } } } },
      invocations: { orderBy: [{ startedAt: "asc" }, { attempt: "asc" }], include: { toolCalls: { orderBy: { createdAt: "asc" } } } },
      modelCalls: { orderBy: { createdAt: "asc" } },
      reviews: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!run) return null;
  const { conversation, ...rest } = run;
  return { ...rest, customer: conversation.customer };
}
export type RunRecord = NonNullable<Awaited<ReturnType<typeof loadRunRecord>>>;

/** The run's audit entries, in chain order. */
export async function listRunAuditEntries({ db, runId }: { db: Db; runId: string }) {
  return db.auditEntry.findMany({ where: { runId }, orderBy: { seq: "asc" } });
}

/** Whether the run's entries are sealed and their links and hashes hold. */
export function verifyRun({ db, runId }: { db: Db; runId: string }): Promise<ChainReport> {
  return verifyAuditChain({ db, runId });
}

const bigints = (_key: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/**
 * The JSON export of a run, recorded on the audit log first: the `export` entry
 * commits before a byte is sent, so no export leaves without its record.
 */
export async function exportRunJson({ db, runId, staffEmail }: { db: Db; runId: string; staffEmail: string }): Promise<string | null> {
  const record = await loadRunRecord({ db, runId });
  if (!record) return null;
  await appendAudit(db, { kind: "export", actor: staffEmail, runId, subject: `run:${runId}`, payload: { format: "json" } });
  const [events, audit, chain] = await Promise.all([
    db.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" }, select: { seq: true, type: true, data: true, createdAt: true } }),
    listRunAuditEntries({ db, runId }),
    verifyRun({ db, runId }),
  ]);
  const doc = { exportedAt: new Date().toISOString(), exportedBy: staffEmail, run: record, events, audit: { verification: chain, entries: audit } };
  return JSON.stringify(doc, bigints, 2);
}
