-- Seals each dispute's history into a hash chain (computed by the bot as it appends).
-- Entries written before this migration keep a NULL hash: they stay readable, and
-- "s117 register verify" reports them as written before the chain began.
ALTER TABLE "HistoryEvent" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT;
