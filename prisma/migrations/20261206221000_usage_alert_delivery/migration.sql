-- AlterTable
-- Webhook delivery of usage alerts backs off between attempts: when the next one is due.
ALTER TABLE "usage_alerts" ADD COLUMN     "nextDeliveryAt" TIMESTAMP(3);
