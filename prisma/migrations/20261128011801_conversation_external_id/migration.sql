-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "externalId" TEXT;

-- CreateIndex
CREATE INDEX "Conversation_platform_externalId_idx" ON "Conversation"("platform", "externalId");
