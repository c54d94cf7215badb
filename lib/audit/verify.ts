import type { Db } from "../db/client";

// Walks the audit chain and recomputes every link with the database's own hash
// function (audit_entry_hash, defined with the table), so the check and the seal can
// never disagree about the format.

export type ChainBreak = {
  /** The chain position that breaks (or is missing), and the row id when there is a row. */
  seq: number;
  id: string | null;
  reason: "gap" | "prev_hash" | "hash" | "payload" | "unsealed" | "head";
  message: string;
};

export type ChainReport =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; headHash: string; broken: ChainBreak };

type Row = {
  id: bigint; seq: bigint; prevHash: string | null; hash: string | null; payloadHash: string;
  expected: string; payloadExpected: string | null; redacted: boolean;
};

/**
 * Verifies the whole chain (or, with `runId`, the links of that run's entries) and
 * returns the first broken link. Reads in batches, so a million entries stream through.
 */
export async function verifyAuditChain({ db, runId, batch = 5000 }: { db: Db; runId?: string; batch?: number }): Promise<ChainReport> {
  // The head first: entries sealed after this moment are not part of this check.
  const [head] = await db.$queryRaw<Array<{ seq: bigint; hash: string }>>`SELECT seq, hash FROM audit_chain_head WHERE id = 1`;
  const headSeq = Number(head?.seq ?? 0);
  const headHash = head?.hash ?? "";
  const fail = (entries: number, broken: ChainBreak): ChainReport => ({ ok: false, entries, headHash, broken });

  const unsealed = await db.$queryRaw<Array<{ id: bigint }>>`SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1`;
  if (unsealed[0]) {
    return fail(0, { seq: 0, id: String(unsealed[0].id), reason: "unsealed", message: `entry id ${unsealed[0].id} was committed without a seal` });
  }

  let last = 0;
  let prev = "";
  let entries = 0;
  for (;;) {
    const rows = runId
      ? await db.$queryRaw<Row[]>`
          SELECT a.id, a.seq, a."prevHash", a.hash, a."payloadHash",
            audit_entry_hash(a.seq, a."prevHash", a."at", a.kind, a.actor, a."runId", a.subject, a."payloadHash") AS expected,
            CASE WHEN a.payload IS NULL THEN NULL ELSE audit_payload_hash(a.payload) END AS "payloadExpected",
            a."redactedAt" IS NOT NULL AS redacted
          FROM audit_log a WHERE a."runId" = ${runId} AND a.seq > ${last} AND a.seq <= ${headSeq} ORDER BY a.seq LIMIT ${batch}`
      : await db.$queryRaw<Row[]>`
          SELECT a.id, a.seq, a."prevHash", a.hash, a."payloadHash",
            audit_entry_hash(a.seq, a."prevHash", a."at", a.kind, a.actor, a."runId", a.subject, a."payloadHash") AS expected,
            CASE WHEN a.payload IS NULL THEN NULL ELSE audit_payload_hash(a.payload) END AS "payloadExpected",
            a."redactedAt" IS NOT NULL AS redacted
          FROM audit_log a WHERE a.seq > ${last} AND a.seq <= ${headSeq} ORDER BY a.seq LIMIT ${batch}`;
    for (const r of rows) {
      const seq = Number(r.seq);
      const id = String(r.id);
      const at = `entry #${seq} (id ${id})`;
      if (!runId && seq !== last + 1) return fail(entries, { seq: last + 1, id: null, reason: "gap", message: `entry #${last + 1} is missing (next is #${seq})` });
      if (!runId && r.prevHash !== prev) return fail(entries, { seq, id, reason: "prev_hash", message: `${at} does not link to entry #${seq - 1}` });
      if (runId) {
        // Inside one run the neighbours are other runs' entries: check the link against the stored neighbour.
        const [before] = await db.$queryRaw<Array<{ hash: string | null }>>`SELECT hash FROM audit_log WHERE seq = ${seq - 1}`;
        if ((before?.hash ?? "") !== r.prevHash) return fail(entries, { seq, id, reason: "prev_hash", message: `${at} does not link to entry #${seq - 1}` });
      }
      if (r.hash !== r.expected) return fail(entries, { seq, id, reason: "hash", message: `${at}: its content does not match its hash` });
      if (r.payloadExpected !== null && r.payloadExpected !== r.payloadHash) {
        return fail(entries, { seq, id, reason: "payload", message: `${at}: its payload does not match the payload hash` });
      }
      if (r.payloadExpected === null && !r.redacted && r.payloadHash !== NULL_PAYLOAD_HASH) {
        return fail(entries, { seq, id, reason: "payload", message: `${at}: its payload was removed without a redaction` });
      }
      last = seq;
      prev = r.hash;
      entries++;
    }
    if (rows.length < batch) break;
  }
  if (!runId && (last !== headSeq || prev !== headHash)) {
    return fail(entries, { seq: headSeq, id: null, reason: "head", message: `the chain ends at #${last}, but its head says #${headSeq}` });
  }
  return { ok: true, entries, headHash };
}

/** sha256("null"): the payload hash of an entry written without a payload. */
const NULL_PAYLOAD_HASH = "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b";
