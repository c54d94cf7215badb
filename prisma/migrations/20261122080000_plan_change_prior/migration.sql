-- AlterTable
ALTER TABLE "plan_changes" ADD COLUMN     "priorChangedOn" DATE,
ADD COLUMN     "priorPlanId" TEXT;
