-- AlterEnum
ALTER TYPE "settings_trial_status" ADD VALUE 'interrupted';

-- AlterTable
ALTER TABLE "settings_trials" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "owner" TEXT;

-- CreateIndex
CREATE INDEX "settings_trials_status_leaseUntil_idx" ON "settings_trials"("status", "leaseUntil");
