-- Decisions already in the register predate the structured choice: they say NOT_RECORDED ("not recorded (before structured decisions)"),
-- no basis chosen and no payers, rather than a guessed effect.
-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "basis" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "effect" TEXT NOT NULL DEFAULT 'NOT_RECORDED',
ADD COLUMN     "effectiveFrom" TEXT,
ADD COLUMN     "payers" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "wordingQuery" TEXT;
