-- CreateTable
CREATE TABLE "AccessLog" (
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "surface" TEXT NOT NULL,
    "ip" TEXT,
    "action" TEXT NOT NULL,
    "refs" TEXT[],
    "detail" JSONB NOT NULL,
    "hash" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,

    CONSTRAINT "AccessLog_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "AccessLog_at_idx" ON "AccessLog"("at");
