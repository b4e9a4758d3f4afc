-- AlterTable
ALTER TABLE "HistoryEvent" ADD COLUMN     "facts" JSONB;
