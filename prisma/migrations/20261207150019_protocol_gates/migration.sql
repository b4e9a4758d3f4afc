-- AlterTable
ALTER TABLE "ChcAdjustment" ADD COLUMN     "lapsedAt" TIMESTAMP(3),
ADD COLUMN     "lapsedReason" TEXT;

-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN     "pendingWithdrawals" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Letter" ADD COLUMN     "facts" JSONB;
