-- Review claims: a reviewer holds an item until claimExpiresAt; version is the compare-and-set
-- token that makes a stale page (or a second reviewer) fail cleanly instead of deciding twice.
-- AlterTable
ALTER TABLE "review_items" ADD COLUMN     "claimExpiresAt" TIMESTAMP(3),
ADD COLUMN     "claimedByEmail" TEXT,
ADD COLUMN     "claimedById" TEXT,
ADD COLUMN     "claimedByName" TEXT,
ADD COLUMN     "reply" TEXT,
ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "review_items_status_customerId_idx" ON "review_items"("status", "customerId");
