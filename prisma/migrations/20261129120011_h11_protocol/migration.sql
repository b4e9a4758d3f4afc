-- AlterTable
ALTER TABLE "Dispute" ADD COLUMN     "cannotResolve" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Flag" ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "resolvedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "leftAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Party" ADD COLUMN     "addedAt" TIMESTAMP(3),
ADD COLUMN     "addedReason" TEXT,
ADD COLUMN     "withdrawnAt" TIMESTAMP(3),
ADD COLUMN     "withdrawnReason" TEXT;

-- AlterTable
ALTER TABLE "Theme" ADD COLUMN     "areas" TEXT[] DEFAULT ARRAY[]::TEXT[];
