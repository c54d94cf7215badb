import "server-only";
import { Prisma } from "../../generated/prisma/client";
import { REVIEW_KINDS, type QueueCursor, type QueueFilters, type QueueSort, type ReviewKind } from "../../contracts";

export type { QueueCursor, QueueFilters, QueueSort };
import type { Db } from "../client";

// The review queue: pending items with what a reviewer sorts and filters by, read in
// one statement. Times are compared as epoch milliseconds (timestamps are stored as
// UTC without a zone), so the SQL never depends on the session's time zone.

export interface QueueRow {
  id: string;
  runId: string;
  kind: ReviewKind;
  customerId: string;
  customerName: string | null;
  summary: string;
  proposedAction: unknown;
  /** The credit's amount or the plan change's fee, in cents. */
  amountCents: number | null;
  worker: string | null;
  confidence: number | null;
  createdAt: Date;
  dueAt: Date;
  overdue: boolean;
  claimedById: string | null;
  claimedByName: string | null;
  claimExpiresAt: Date | null;
  version: number;
  sortValue: number;
}

/** SLA minutes per kind (settings: policy.reviewKinds[kind].slaMinutes). */
export type SlaMinutes = Record<ReviewKind, number>;

const CREATED_MS = Prisma.sql`(extract(epoch from r."createdAt") * 1000)::float8`;

function dueMs(sla: SlaMinutes) {
  const cases = REVIEW_KINDS.map((k) => Prisma.sql`WHEN ${k} THEN ${sla[k]}::float8`);
  return Prisma.sql`(${CREATED_MS} + (CASE r.kind::text ${Prisma.join(cases, " ")} ELSE 0 END) * 60000)`;
}

const AMOUNT = Prisma.sql`COALESCE((r."proposedAction"->>'amountCents')::int, (r."proposedAction"->>'feeCents')::int)`;

/** The sort key's expression and direction. Every key is a number, so a cursor is one number plus the id. */
function sortKey(sort: QueueSort, sla: SlaMinutes): { expr: Prisma.Sql; desc: boolean } {
  switch (sort) {
    case "due":
      return { expr: dueMs(sla), desc: false };
    case "oldest":
      return { expr: CREATED_MS, desc: false };
    case "newest":
      return { expr: CREATED_MS, desc: true };
    case "amount":
      return { expr: Prisma.sql`COALESCE(${AMOUNT}, -1)::float8`, desc: true };
  }
}

/**
 * One page of pending items. Sorted by due time by default, so overdue items come
 * first; ties break on id, and `after` continues exactly where the last page ended
 * even while items arrive and leave.
 */
export async function listReviewQueue(opts: {
  db: Db;
  now: Date;
  sla: SlaMinutes;
  viewerId: string;
  filters?: QueueFilters;
  sort?: QueueSort;
  after?: QueueCursor | null;
  limit?: number;
}): Promise<{ rows: QueueRow[]; next: QueueCursor | null }> {
  const { db, sla, filters = {} } = opts;
  const limit = opts.limit ?? 25;
  const nowMs = opts.now.getTime();
  const { expr, desc } = sortKey(opts.sort ?? "due", sla);
  const due = dueMs(sla);
  const where: Prisma.Sql[] = [Prisma.sql`r.status = 'pending'`];
  if (filters.kind) where.push(Prisma.sql`r.kind::text = ${filters.kind}`);
  if (filters.customerId) where.push(Prisma.sql`r."customerId" = ${filters.customerId}`);
  if (filters.worker) where.push(Prisma.sql`inv.worker = ${filters.worker}`);
  if (filters.overdue) where.push(Prisma.sql`${due} < ${nowMs}`);
  if (filters.mine) {
    where.push(Prisma.sql`r."claimedById" = ${opts.viewerId} AND (extract(epoch from r."claimExpiresAt") * 1000)::float8 > ${nowMs}`);
  }
  if (opts.after) {
    where.push(desc ? Prisma.sql`(${expr}, r.id) < (${opts.after.v}, ${opts.after.id})` : Prisma.sql`(${expr}, r.id) > (${opts.after.v}, ${opts.after.id})`);
  }
  const order = desc ? Prisma.sql`${expr} DESC, r.id DESC` : Prisma.sql`${expr} ASC, r.id ASC`;
  const rows = await db.$queryRaw<Array<Omit<QueueRow, "dueAt" | "overdue"> & { dueMs: number }>>`
    SELECT r.id, r."runId", r.kind::text AS kind, r."customerId", c.name AS "customerName", r.summary, r."proposedAction",
           ${AMOUNT} AS "amountCents", inv.worker, inv.confidence, r."createdAt", r."claimedById", r."claimedByName",
           r."claimExpiresAt", r.version, ${due} AS "dueMs", ${expr} AS "sortValue"
    FROM review_items r
    LEFT JOIN customers c ON c.id = r."customerId"
    LEFT JOIN LATERAL (
      SELECT wi.worker, wi.confidence FROM worker_invocations wi
      WHERE wi."runId" = r."runId" AND wi."taskId" = r."taskId"
      ORDER BY wi.attempt DESC LIMIT 1
    ) inv ON true
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map(({ dueMs: ms, ...r }) => ({
    ...r,
    amountCents: r.amountCents === null ? null : Number(r.amountCents),
    sortValue: Number(r.sortValue),
    dueAt: new Date(ms),
    overdue: ms < nowMs,
  }));
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { v: last.sortValue, id: last.id } : null };
}

/** How many items wait and, given the SLAs, how many of them are overdue. */
export async function countPendingReviewItems(opts: { db: Db; now?: Date; sla?: SlaMinutes }): Promise<{ pending: number; overdue: number }> {
  const overdue = opts.sla && opts.now ? Prisma.sql`${dueMs(opts.sla)} < ${opts.now.getTime()}` : Prisma.sql`false`;
  const [row] = await opts.db.$queryRaw<Array<{ pending: bigint; overdue: bigint }>>`
    SELECT count(*) AS pending, count(*) FILTER (WHERE ${overdue}) AS overdue
    FROM review_items r WHERE r.status = 'pending'`;
  return { pending: Number(row.pending), overdue: Number(row.overdue) };
}

/**
 * A fingerprint of the pending set (ids and versions): it changes when an item is
 * requested, claimed, released or decided. The live queue compares it to know
 * whether anything a reviewer sees has moved.
 */
export async function pendingQueueFingerprint({ db }: { db: Db }): Promise<{ pending: number; fingerprint: string }> {
  const [row] = await db.$queryRaw<Array<{ pending: bigint; fp: string | null }>>`
    SELECT count(*) AS pending, md5(string_agg(id || ':' || version, ',' ORDER BY id)) AS fp
    FROM review_items WHERE status = 'pending'`;
  return { pending: Number(row.pending), fingerprint: row.fp ?? "" };
}

/** Workers that have items waiting, for the queue's filter. */
export async function listQueueWorkers({ db }: { db: Db }): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ worker: string }>>`
    SELECT DISTINCT wi.worker FROM review_items r
    JOIN worker_invocations wi ON wi."runId" = r."runId" AND wi."taskId" = r."taskId"
    WHERE r.status = 'pending' ORDER BY wi.worker`;
  return rows.map((r) => r.worker);
}
