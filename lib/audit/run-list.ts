import { z } from "zod";
import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { RUN_STATUSES, type RunStatus } from "../contracts";

// The audit browser's run list: search, filters and keyset pagination over runs,
// newest first, on the (createdAt, id) index. A page is read with one query whatever
// its depth: the cursor is the last row's (createdAt, id), so a deep page costs what
// the first one does (scripts/bench-audit.ts measures it over a million audit events).

/** What the supervisor made of the message (the plan's kind); `none` = no plan stored. */
export const RUN_OUTCOMES = ["delegate", "small_talk", "out_of_scope", "handoff", "none"] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD");
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

/** The list's filters as they arrive in a URL's search params (zod at the boundary). */
export const runListFilterSchema = z.object({
  /** A run id, a customer id or name, or words of the customer's message or the reply. */
  q: z.preprocess(blankToUndefined, z.string().trim().min(1).max(200).optional()),
  status: z.preprocess(blankToUndefined, z.enum(RUN_STATUSES).optional()),
  worker: z.preprocess(blankToUndefined, z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional()),
  /** yes: a review item was raised for the run; no: none was. */
  escalated: z.preprocess(blankToUndefined, z.enum(["yes", "no"]).optional()),
  outcome: z.preprocess(blankToUndefined, z.enum(RUN_OUTCOMES).optional()),
  /** Inclusive calendar days (UTC). */
  from: z.preprocess(blankToUndefined, day.optional()),
  to: z.preprocess(blankToUndefined, day.optional()),
});
export type RunListFilter = z.infer<typeof runListFilterSchema>;

/** A position in the list: the (createdAt, id) of a row, opaque to the browser. */
export type RunCursor = { createdAt: Date; id: string };

export function encodeCursor(c: RunCursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, "utf8").toString("base64url");
}

const cursorSchema = z.object({ createdAt: z.coerce.date(), id: z.string().min(1).max(64) });

/** The cursor a URL carries, or null when it is absent or malformed (then: the first page). */
export function decodeCursor(raw: string | undefined | null): RunCursor | null {
  if (!raw || raw.length > 200) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const parsed = cursorSchema.safeParse({ createdAt: at, id });
  return parsed.success && !Number.isNaN(parsed.data.createdAt.getTime()) ? parsed.data : null;
}

export interface RunListRow {
  id: string;
  createdAt: Date;
  customerId: string;
  customerName: string;
  input: string;
  status: RunStatus;
  outcome: (typeof RUN_OUTCOMES)[number];
  tokensIn: number;
  tokensOut: number;
  latencyMs: number | null;
  attempts: number;
  workers: string[];
  reviews: number;
}

export interface RunListPage {
  rows: RunListRow[];
  /** Cursor of the next (older) page, null on the last one. */
  older: string | null;
  /** Cursor of the previous (newer) page, null on the first one. */
  newer: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CUSTOMER_ID = /^C-\d{1,8}$/i;

/** The WHERE conditions of a filter (shared by the page and the CSV export). */
function conditions(f: RunListFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (f.q) {
    // A run id or a customer id is matched exactly, on an index; anything else is
    // words in the customer's name, the message or the reply (a scan in list order
    // that stops at a page of matches: rare words cost the most, see the bench).
    if (UUID.test(f.q)) where.push(Prisma.sql`r.id = ${f.q.toLowerCase()}`);
    else if (CUSTOMER_ID.test(f.q)) where.push(Prisma.sql`r."customerId" = ${f.q.toUpperCase()}`);
    else {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(Prisma.sql`(c.name ILIKE ${like} OR r.input ILIKE ${like} OR r.reply ILIKE ${like})`);
    }
  }
  if (f.status) where.push(Prisma.sql`r.status = ${f.status}::run_status`);
  if (f.worker) where.push(Prisma.sql`EXISTS (SELECT 1 FROM worker_invocations wi WHERE wi."runId" = r.id AND wi.worker = ${f.worker})`);
  if (f.escalated === "yes") where.push(Prisma.sql`EXISTS (SELECT 1 FROM review_items ri WHERE ri."runId" = r.id)`);
  if (f.escalated === "no") where.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM review_items ri WHERE ri."runId" = r.id)`);
  if (f.outcome === "none") where.push(Prisma.sql`r.plan IS NULL`);
  else if (f.outcome) where.push(Prisma.sql`r.plan->>'kind' = ${f.outcome}`);
  if (f.from) where.push(Prisma.sql`r."createdAt" >= ${new Date(`${f.from}T00:00:00.000Z`)}`);
  if (f.to) where.push(Prisma.sql`r."createdAt" < ${new Date(new Date(`${f.to}T00:00:00.000Z`).getTime() + 86_400_000)}`);
  return where;
}

type RawRow = Omit<RunListRow, "outcome" | "reviews" | "workers"> & { outcome: string | null; reviews: bigint; workers: string[] | null };

async function selectPage(db: Db, where: Prisma.Sql[], direction: "older" | "newer", limit: number, inputChars: number): Promise<RunListRow[]> {
  const all = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
  const order = direction === "older" ? Prisma.sql`r."createdAt" DESC, r.id DESC` : Prisma.sql`r."createdAt" ASC, r.id ASC`;
  // Workers and review counts are read for the page's rows only, after the limit.
  const rows = await db.$queryRaw<RawRow[]>`
    WITH page AS (
      SELECT r.id, r."createdAt", r."customerId", c.name AS "customerName", left(r.input, ${inputChars}) AS input, r.status::text AS status,
        r.plan->>'kind' AS outcome, r."tokensIn", r."tokensOut", r."latencyMs", r.attempts
      FROM runs r JOIN customers c ON c.id = r."customerId"
      ${all}
      ORDER BY ${order}
      LIMIT ${limit}
    )
    SELECT p.*,
      (SELECT array_agg(DISTINCT wi.worker ORDER BY wi.worker) FROM worker_invocations wi WHERE wi."runId" = p.id) AS workers,
      (SELECT count(*) FROM review_items ri WHERE ri."runId" = p.id) AS reviews
    FROM page p`;
  const out = rows.map((r) => ({
    ...r,
    outcome: (r.outcome ?? "none") as RunListRow["outcome"],
    workers: r.workers ?? [],
    reviews: Number(r.reviews),
  }));
  out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return out;
}

/**
 * One page of the run list. `after` pages to older runs, `before` to newer ones (at
 * most one of them); each page tells whether there is more in either direction.
 */
export async function listAuditRuns({
  db, filter, after, before, limit = 50, inputChars = 300,
}: { db: Db; filter: RunListFilter; after?: RunCursor | null; before?: RunCursor | null; limit?: number; inputChars?: number }): Promise<RunListPage> {
  const base = conditions(filter);
  if (before && !after) {
    const rows = await selectPage(db, [...base, Prisma.sql`(r."createdAt", r.id) > (${before.createdAt}, ${before.id})`], "newer", limit + 1, inputChars);
    const hasNewer = rows.length > limit;
    const page = hasNewer ? rows.slice(1) : rows;
    return {
      rows: page,
      newer: hasNewer && page[0] ? encodeCursor(page[0]) : null,
      older: page.length ? encodeCursor(page[page.length - 1]) : null,
    };
  }
  const where = after ? [...base, Prisma.sql`(r."createdAt", r.id) < (${after.createdAt}, ${after.id})`] : base;
  const rows = await selectPage(db, where, "older", limit + 1, inputChars);
  const hasOlder = rows.length > limit;
  const page = rows.slice(0, limit);
  return {
    rows: page,
    older: hasOlder ? encodeCursor(page[page.length - 1]) : null,
    newer: after && page[0] ? encodeCursor(page[0]) : null,
  };
}

/**
 * Every run matching `filter`, newest first, in pages of `batch`, for the
 * CSV export: yields page by page, so the export never holds the whole list.
 */
export async function* iterateAuditRuns({ db, filter, batch = 500 }: { db: Db; filter: RunListFilter; batch?: number }): AsyncGenerator<RunListRow[]> {
  let after: RunCursor | null = null;
  for (;;) {
    // The whole message (at most 4000 characters), not the list's first 300.
    const page = await listAuditRuns({ db, filter, after, limit: batch, inputChars: 4000 });
    if (page.rows.length) yield page.rows;
    if (!page.older) return;
    after = decodeCursor(page.older);
  }
}
