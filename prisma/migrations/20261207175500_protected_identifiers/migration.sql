-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN     "nhsNumberCipher" TEXT,
ADD COLUMN     "nhsNumberHash" TEXT;

-- CreateIndex
CREATE INDEX "Dispute_nhsNumberHash_idx" ON "Dispute"("nhsNumberHash");
