-- AlterTable
ALTER TABLE "ChcAdjustment" ADD COLUMN     "confirmedAt" TIMESTAMP(3);

-- Adjustments recorded before confirmations existed were final when recorded: they stay agreed, and grow no buttons.
UPDATE "ChcAdjustment" SET "confirmedAt" = "at";

-- CreateTable
CREATE TABLE "ChcConfirmation" (
    "disputeId" TEXT NOT NULL,
    "adjustmentSeq" INTEGER NOT NULL,
    "organisationId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChcConfirmation_pkey" PRIMARY KEY ("disputeId","adjustmentSeq","organisationId")
);

-- AddForeignKey
ALTER TABLE "ChcConfirmation" ADD CONSTRAINT "ChcConfirmation_disputeId_adjustmentSeq_fkey" FOREIGN KEY ("disputeId", "adjustmentSeq") REFERENCES "ChcAdjustment"("disputeId", "seq") ON DELETE RESTRICT ON UPDATE CASCADE;
