import "server-only";
import type { Db } from "../client";

/** One stored event of a run as the timeline reads it: `data` is the event object appendEvent validated. */
export type RunTimelineRow = { seq: number; type: string; createdAt: Date; data: unknown };

/**
 * A run's events in order for the staff timeline (review detail, audit browser).
 * Streamed reply fragments (`message_delta`) are left out: the reply is on
 * `run_finished`, and a long reply would otherwise be hundreds of rows.
 */
export async function listRunTimeline({ db, runId }: { db: Db; runId: string }): Promise<RunTimelineRow[]> {
  return db.runEvent.findMany({
    where: { runId, type: { not: "message_delta" } },
    orderBy: { seq: "asc" },
    select: { seq: true, type: true, createdAt: true, data: true },
  });
}
