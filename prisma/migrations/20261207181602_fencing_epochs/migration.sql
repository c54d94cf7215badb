-- AlterEnum
ALTER TYPE "invocation_status" ADD VALUE 'lease_lost';

-- AlterTable
ALTER TABLE "review_items" ADD COLUMN     "retryById" TEXT,
ADD COLUMN     "retryEpoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "retryLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "retryOwner" TEXT;
