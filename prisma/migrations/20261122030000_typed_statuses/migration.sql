-- Statuses become enums: the database itself refuses a status no code knows.
-- Columns are converted in place (USING ...::enum), so existing rows keep their values.

CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'awaiting_review', 'completed', 'failed');
CREATE TYPE "run_step" AS ENUM ('created', 'planned', 'workers_done', 'synthesized', 'finished');
CREATE TYPE "invocation_status" AS ENUM ('running', 'succeeded', 'failed', 'timed_out');
CREATE TYPE "review_kind" AS ENUM ('credit_over_limit', 'downgrade_fee', 'low_confidence', 'worker_failure');
CREATE TYPE "review_status" AS ENUM ('pending', 'approved', 'rejected');

ALTER TABLE "runs"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE "run_status" USING "status"::"run_status",
  ALTER COLUMN "status" SET DEFAULT 'queued',
  ALTER COLUMN "step" DROP DEFAULT,
  ALTER COLUMN "step" TYPE "run_step" USING "step"::"run_step",
  ALTER COLUMN "step" SET DEFAULT 'created';

ALTER TABLE "worker_invocations"
  ALTER COLUMN "status" TYPE "invocation_status" USING "status"::"invocation_status";

-- Decisions now commit in one transaction with their effect, so the intermediate
-- 'approving' state is gone. An item a crash left there goes back to 'pending': if
-- its action had already run, approving it again replays the ledger entry
-- (idempotency key review:<id>) instead of acting twice.
UPDATE "review_items" SET "status" = 'pending' WHERE "status" = 'approving';

ALTER TABLE "review_items"
  ALTER COLUMN "kind" TYPE "review_kind" USING "kind"::"review_kind",
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE "review_status" USING "status"::"review_status",
  ALTER COLUMN "status" SET DEFAULT 'pending',
  ADD COLUMN "followedUpAt" TIMESTAMP(3);

-- Decisions made before this migration already had their follow-up posted.
UPDATE "review_items" SET "followedUpAt" = COALESCE("decidedAt", CURRENT_TIMESTAMP) WHERE "status" <> 'pending';

-- Event sequence numbers are handed out from the run's row (its lock serializes
-- appenders, inside or outside a transaction); start each run after its last event.
ALTER TABLE "runs" ADD COLUMN "lastEventSeq" INTEGER NOT NULL DEFAULT 0;
UPDATE "runs" r SET "lastEventSeq" = e.max_seq
  FROM (SELECT "runId", MAX("seq") AS max_seq FROM "run_events" GROUP BY "runId") e
  WHERE e."runId" = r."id";
