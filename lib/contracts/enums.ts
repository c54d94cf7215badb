// A run's status: the one list the UI stream, the audit list, the run events and the
// status badges all use. The database has the same values as the Prisma enum
// RunStatus; lib/db/enum-checks.ts fails the type check if the two ever differ.

export const RUN_STATUSES = ["queued", "running", "awaiting_review", "completed", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The statuses a run finishes in (its executor lets go of it): what run_finished carries. */
export const FINISHED_RUN_STATUSES = ["completed", "awaiting_review", "failed"] as const satisfies readonly RunStatus[];
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number];

// A worker attempt's status (worker_invocations.status, the Prisma enum InvocationStatus).
export const INVOCATION_STATUSES = ["running", "succeeded", "failed", "timed_out", "lease_lost"] as const;
export type InvocationStatus = (typeof INVOCATION_STATUSES)[number];

/**
 * How a worker's part ended, as worker_finished reports it and the chat shows it. An
 * attempt closed as lease_lost never reports: the executor that took the run over
 * starts an attempt of its own, and that one finishes the part.
 */
export const WORKER_OUTCOMES = ["succeeded", "failed", "timed_out"] as const satisfies readonly InvocationStatus[];
export type WorkerOutcome = (typeof WORKER_OUTCOMES)[number];

// A review item's status (review_items.status, the Prisma enum ReviewStatus).
export const REVIEW_STATUSES = ["pending", "approved", "rejected", "withdrawn"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** What a decision leaves an item in: a reviewer's (approved, rejected) or the customer's (withdrawn). */
export type DecidedReviewStatus = Exclude<ReviewStatus, "pending">;
/** What a reviewer's decision leaves an item in. */
export type ReviewerDecidedStatus = Exclude<DecidedReviewStatus, "withdrawn">;
