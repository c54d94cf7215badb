-- Settings trials run as jobs (lib/settings/trial-job.ts): the job's lease replaces the
-- trial's own, so its lease columns go.

-- A trial still running under its old lease has no job yet: it gets one, counting the
-- starts it already had, so the first runner to poll takes it over and runs it again
-- (or gives it up as interrupted after its third start), as the old takeover did.
INSERT INTO "jobs" ("id", "kind", "key", "payload", "status", "runAt", "attempts", "maxAttempts", "updatedAt")
SELECT gen_random_uuid()::text, 'settings_trial', 'settings_trial:' || "id", jsonb_build_object('trialId', "id"), 'queued',
  now() AT TIME ZONE 'UTC', "attempts", 3, now() AT TIME ZONE 'UTC'
FROM "settings_trials" WHERE "status" = 'running';

-- DropIndex
DROP INDEX "settings_trials_status_leaseUntil_idx";

-- AlterTable
ALTER TABLE "settings_trials" DROP COLUMN "leaseUntil",
DROP COLUMN "owner";
