-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "alertedAt" TIMESTAMP(3),
ADD COLUMN     "claimToken" TEXT,
ADD COLUMN     "failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "firstTriedAt" TIMESTAMP(3),
ADD COLUMN     "inFlightSince" TIMESTAMP(3),
ADD COLUMN     "platform" TEXT,
ADD COLUMN     "platformRef" JSONB;

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "tat" TIMESTAMP(3) NOT NULL,
    "blockedUntil" TIMESTAMP(3),

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);
-- CreateIndex
CREATE INDEX "Outbox_disputeId_id_idx" ON "Outbox"("disputeId", "id");
