-- DropIndex
DROP INDEX "Outbox_disputeId_id_idx";

-- CreateIndex
CREATE INDEX "Outbox_pending_due_idx" ON "Outbox"("nextAttemptAt", "id") WHERE ("deliveredAt" IS NULL AND "failedAt" IS NULL);

-- CreateIndex
CREATE INDEX "Outbox_pending_disputeId_id_idx" ON "Outbox"("disputeId", "id") WHERE ("deliveredAt" IS NULL AND "failedAt" IS NULL);
