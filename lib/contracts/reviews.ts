import { z } from "zod";

export const REVIEW_KINDS = ["credit_over_limit", "downgrade_fee", "low_confidence", "worker_failure", "handoff"] as const;
export const reviewKindSchema = z.enum(REVIEW_KINDS);
export type ReviewKind = z.infer<typeof reviewKindSchema>;

/** How the review queue may be sorted: by due time (overdue first), age either way, or amount. */
export const QUEUE_SORTS = ["due", "oldest", "newest", "amount"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilters {
  kind?: ReviewKind;
  worker?: string;
  customerId?: string;
  overdue?: boolean;
  /** Only items the viewer holds a live claim on. */
  mine?: boolean;
}

/** Where the next page of the queue starts: the last row's sort value and id (keyset pagination). */
export interface QueueCursor {
  v: number;
  id: string;
}
