-- CreateTable
CREATE TABLE "PlatformInstallation" (
    "platform" TEXT NOT NULL,
    "space" TEXT NOT NULL,
    "name" TEXT,
    "secretCipher" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "installedBy" TEXT,
    "installedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformInstallation_pkey" PRIMARY KEY ("platform","space")
);

-- CreateTable
CREATE TABLE "InstallState" (
    "hash" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstallState_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex
CREATE INDEX "InstallState_expiresAt_idx" ON "InstallState"("expiresAt");
