-- R7.1: an ending's joint assessment is recorded as facts (the date it was carried out, the party organisations that took
-- part, whether the person was involved and why not), beside its words.
-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "jointAssessedOn" TEXT,
ADD COLUMN     "jointAssessmentForm" TEXT,
ADD COLUMN     "jointAssessmentOrgs" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "personInvolved" BOOLEAN,
ADD COLUMN     "personNotInvolvedReason" TEXT;

-- Backfill: endings already in the register keep their words and are marked as recorded before the structured form.
-- Their date, organisations and the person's involvement stay empty: never inferred from the words.
UPDATE "Decision" SET "jointAssessmentForm" = 'TEXT_ONLY' WHERE "outcome" = 'END_AFTERCARE';
