import { z } from "zod";
import { QUEUE_SORTS, REVIEW_KINDS, type QueueCursor, type QueueFilters, type QueueSort } from "../contracts";

// The queue's URL is its state (filters, sort, page), so a link or a reload shows the
// same view. Anything malformed falls back to the default instead of failing the page.

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

const paramsSchema = z.object({
  kind: z.enum(REVIEW_KINDS).optional().catch(undefined),
  worker: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/).optional().catch(undefined),
  customer: z.string().regex(/^C-\d{1,8}$/).optional().catch(undefined),
  overdue: z.literal("1").optional().catch(undefined),
  mine: z.literal("1").optional().catch(undefined),
  sort: z.enum(QUEUE_SORTS).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

export interface QueueParams {
  filters: QueueFilters;
  sort: QueueSort;
  after: QueueCursor | null;
}

const cursorSchema = z.object({ v: z.number().finite(), id: z.string().uuid() });

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(raw: string | undefined): QueueCursor | null {
  if (!raw) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads the queue's search params (a Next.js page's `searchParams`). */
export function parseQueueParams(raw: Record<string, string | string[] | undefined>): QueueParams {
  const p = paramsSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, one(v)])));
  return {
    filters: { kind: p.kind, worker: p.worker, customerId: p.customer, overdue: p.overdue === "1", mine: p.mine === "1" },
    sort: p.sort ?? "due",
    after: decodeCursor(p.after),
  };
}

/** The search string for a view: the current params with some changed (undefined removes one). */
export function queueHref(params: QueueParams, change: Partial<Record<"kind" | "worker" | "customer" | "overdue" | "mine" | "sort" | "after", string | undefined>>): string {
  const f = params.filters;
  const base: Record<string, string | undefined> = {
    kind: f.kind, worker: f.worker, customer: f.customerId, overdue: f.overdue ? "1" : undefined, mine: f.mine ? "1" : undefined,
    sort: params.sort === "due" ? undefined : params.sort,
  };
  const merged = { ...base, ...change };
  // A new filter or sort starts from the first page.
  if (!("after" in change)) delete merged.after;
  const search = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
  const s = search.toString();
  return s ? `/reviews?${s}` : "/reviews";
}
