-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgKind" AS ENUM ('ICB', 'LOCAL_AUTHORITY', 'NHS_TRUST', 'OTHER');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'RESOLVED');

-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "OrgKind" NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "roles" TEXT[],
    "managerId" TEXT,
    "slackId" TEXT,
    "teamsId" TEXT,
    "email" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReferenceCounter" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "ReferenceCounter_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "status" "DisputeStatus" NOT NULL,
    "stage" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "subjects" TEXT[],
    "cohort" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "localCaseRef" TEXT NOT NULL,
    "nhsNumber" TEXT,
    "description" TEXT NOT NULL,
    "currentCare" TEXT NOT NULL,
    "careContinues" BOOLEAN NOT NULL,
    "endingProposal" BOOLEAN NOT NULL,
    "legalAdviceAsked" BOOLEAN NOT NULL DEFAULT false,
    "raisedById" TEXT NOT NULL,
    "raisedAt" TIMESTAMP(3) NOT NULL,
    "raisedOn" TEXT NOT NULL,
    "namedProfessionals" TEXT[],
    "outcome" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "nextWakeAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Party" (
    "disputeId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "role" TEXT NOT NULL,

    CONSTRAINT "Party_pkey" PRIMARY KEY ("disputeId","organisationId")
);

-- CreateTable
CREATE TABLE "StageInstance" (
    "disputeId" TEXT NOT NULL,
    "stage" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "workingDays" INTEGER,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "met" BOOLEAN,
    "timedOutAt" TIMESTAMP(3),
    "escalationReason" TEXT,
    "reminders" JSONB NOT NULL,

    CONSTRAINT "StageInstance_pkey" PRIMARY KEY ("disputeId","stage")
);

-- CreateTable
CREATE TABLE "ChecklistItem" (
    "disputeId" TEXT NOT NULL,
    "stage" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "tickedBy" TEXT,
    "tickedAt" TIMESTAMP(3),

    CONSTRAINT "ChecklistItem_pkey" PRIMARY KEY ("disputeId","stage","key")
);

-- CreateTable
CREATE TABLE "Participant" (
    "disputeId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "fromStage" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Participant_pkey" PRIMARY KEY ("disputeId","personId")
);

-- CreateTable
CREATE TABLE "Decision" (
    "disputeId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "stage" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "basisNeed" TEXT NOT NULL,
    "basisTests" TEXT NOT NULL,
    "basisRisk" TEXT NOT NULL,
    "funding" TEXT,
    "commissioning" TEXT,
    "interimFunding" TEXT,
    "endingReason" TEXT,
    "jointAssessment" TEXT,
    "proposedBy" TEXT NOT NULL,
    "proposedAt" TIMESTAMP(3) NOT NULL,
    "sourceMessage" TEXT,
    "status" TEXT NOT NULL,
    "effectiveAt" TIMESTAMP(3),

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("disputeId","seq")
);

-- CreateTable
CREATE TABLE "Confirmation" (
    "disputeId" TEXT NOT NULL,
    "decisionSeq" INTEGER NOT NULL,
    "organisationId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Confirmation_pkey" PRIMARY KEY ("disputeId","decisionSeq","organisationId")
);

-- CreateTable
CREATE TABLE "PersonStep" (
    "disputeId" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "doneBy" TEXT,
    "doneAt" TIMESTAMP(3),
    "note" TEXT,
    "dueAt" TIMESTAMP(3),

    CONSTRAINT "PersonStep_pkey" PRIMARY KEY ("disputeId","step")
);

-- CreateTable
CREATE TABLE "Flag" (
    "disputeId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "ground" TEXT,
    "detail" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Flag_pkey" PRIMARY KEY ("disputeId","seq")
);

-- CreateTable
CREATE TABLE "Theme" (
    "disputeId" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Theme_pkey" PRIMARY KEY ("disputeId","theme")
);

-- CreateTable
CREATE TABLE "ChcTrack" (
    "disputeId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "referralDate" TEXT,
    "decisionDate" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChcTrack_pkey" PRIMARY KEY ("disputeId")
);

-- CreateTable
CREATE TABLE "ChcAdjustment" (
    "disputeId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "effectiveDate" TEXT NOT NULL,
    "parties" TEXT[],
    "amountOrShare" TEXT NOT NULL,
    "personNotPenalised" BOOLEAN NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChcAdjustment_pkey" PRIMARY KEY ("disputeId","seq")
);

-- CreateTable
CREATE TABLE "Letter" (
    "disputeId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "decisionSeq" INTEGER,
    "text" TEXT NOT NULL,
    "gradeLevel" DOUBLE PRECISION NOT NULL,
    "readingAge" DOUBLE PRECISION NOT NULL,
    "draftedAt" TIMESTAMP(3) NOT NULL,
    "reviewedBy" TEXT,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Letter_pkey" PRIMARY KEY ("disputeId","seq")
);

-- CreateTable
CREATE TABLE "ExternalRoute" (
    "disputeId" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "note" TEXT,

    CONSTRAINT "ExternalRoute_pkey" PRIMARY KEY ("disputeId","route")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "disputeId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "ref" JSONB NOT NULL,
    "cardRef" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("disputeId","platform")
);

-- CreateTable
CREATE TABLE "HistoryEvent" (
    "disputeId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "correctsSeq" INTEGER,

    CONSTRAINT "HistoryEvent_pkey" PRIMARY KEY ("disputeId","seq")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" BIGSERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "disputeId" TEXT,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "claimedUntil" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedCommand" (
    "key" TEXT NOT NULL,
    "disputeId" TEXT,
    "result" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcessedCommand_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Dispute_reference_key" ON "Dispute"("reference");

-- CreateIndex
CREATE INDEX "Dispute_nextWakeAt_idx" ON "Dispute"("nextWakeAt");

-- CreateIndex
CREATE INDEX "Dispute_status_stage_idx" ON "Dispute"("status", "stage");

-- CreateIndex
CREATE INDEX "Dispute_raisedAt_idx" ON "Dispute"("raisedAt");

-- CreateIndex
CREATE INDEX "Flag_code_idx" ON "Flag"("code");

-- CreateIndex
CREATE INDEX "HistoryEvent_at_idx" ON "HistoryEvent"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Outbox_idempotencyKey_key" ON "Outbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Outbox_deliveredAt_nextAttemptAt_idx" ON "Outbox"("deliveredAt", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "Party" ADD CONSTRAINT "Party_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageInstance" ADD CONSTRAINT "StageInstance_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChecklistItem" ADD CONSTRAINT "ChecklistItem_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participant" ADD CONSTRAINT "Participant_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Confirmation" ADD CONSTRAINT "Confirmation_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonStep" ADD CONSTRAINT "PersonStep_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Flag" ADD CONSTRAINT "Flag_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Theme" ADD CONSTRAINT "Theme_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChcTrack" ADD CONSTRAINT "ChcTrack_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChcAdjustment" ADD CONSTRAINT "ChcAdjustment_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Letter" ADD CONSTRAINT "Letter_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExternalRoute" ADD CONSTRAINT "ExternalRoute_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HistoryEvent" ADD CONSTRAINT "HistoryEvent_disputeId_fkey" FOREIGN KEY ("disputeId") REFERENCES "Dispute"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
