// A run's status: the one list the UI stream, the audit list, the run events and the
// status badges all use. The database has the same values as the Prisma enum
// RunStatus; lib/db/enum-checks.ts fails the type check if the two ever differ.

export const RUN_STATUSES = ["queued", "running", "awaiting_review", "completed", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The statuses a run finishes in (its executor lets go of it): what run_finished carries. */
export const FINISHED_RUN_STATUSES = ["completed", "awaiting_review", "failed"] as const satisfies readonly RunStatus[];
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number];
