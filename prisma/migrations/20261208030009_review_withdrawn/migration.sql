-- AlterEnum
ALTER TYPE "review_status" ADD VALUE 'withdrawn';

-- AlterTable
ALTER TABLE "review_items" ADD COLUMN     "withdrawnByRunId" TEXT;
