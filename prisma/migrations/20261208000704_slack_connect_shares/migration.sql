-- CreateTable
CREATE TABLE "SharedSpace" (
    "disputeId" TEXT NOT NULL,
    "home" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "inviteIds" JSONB NOT NULL DEFAULT '[]',
    "people" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "SharedSpace_pkey" PRIMARY KEY ("disputeId","home")
);

-- CreateIndex
CREATE INDEX "SharedSpace_channel_idx" ON "SharedSpace"("channel");
