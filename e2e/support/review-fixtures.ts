import { randomUUID } from "node:crypto";
import pg from "pg";
import { e2eDatabaseUrl } from "./env";

// Review items only come from runs, and the agent engine is not part of these specs:
// put a run awaiting review (and its conversation) straight into the database.

export type SeededReview = { reviewId: string; conversationId: string };

export async function insertPendingReview(opts: {
  customerId: string;
  summary: string;
  minutesAgo?: number;
  /** Default: a credit over the limit. A `worker_failure` carries no proposed action. */
  kind?: "credit_over_limit" | "worker_failure";
  context?: Record<string, unknown>;
}): Promise<SeededReview> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    const conversationId = randomUUID();
    const runId = randomUUID();
    const reviewId = randomUUID();
    await client.query(`INSERT INTO conversations (id, "customerId") VALUES ($1, $2)`, [conversationId, opts.customerId]);
    await client.query(
      `INSERT INTO runs (id, "conversationId", "customerId", input, status, step, "updatedAt") VALUES ($1, $2, $3, $4, 'awaiting_review', 'workers_done', now())`,
      [runId, conversationId, opts.customerId, "I was charged twice, please refund $80"],
    );
    await client.query(
      `INSERT INTO review_items (id, "runId", "taskId", "customerId", kind, summary, "proposedAction", context, "createdAt")
       VALUES ($1, $2, 't1', $3, $7, $4, $5, $8, (now() AT TIME ZONE 'UTC') - make_interval(mins => $6))`,
      [
        reviewId, runId, opts.customerId, opts.summary,
        opts.kind === "worker_failure" ? null : JSON.stringify({ tool: "issue_credit", amountCents: 8000 }),
        opts.minutesAgo ?? 0, opts.kind ?? "credit_over_limit", JSON.stringify(opts.context ?? {}),
      ],
    );
    return { reviewId, conversationId };
  } finally {
    await client.end();
  }
}

export async function readReview(reviewId: string): Promise<{ status: string; decidedBy: string | null; note: string | null } | undefined> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    const r = await client.query(`SELECT status, "decidedBy", note FROM review_items WHERE id = $1`, [reviewId]);
    return r.rows[0];
  } finally {
    await client.end();
  }
}

/** Removes the conversation; the run and its review item go with it (ON DELETE CASCADE). */
export async function deleteSeededReview(seeded: SeededReview): Promise<void> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DELETE FROM conversations WHERE id = $1`, [seeded.conversationId]);
  } finally {
    await client.end();
  }
}
