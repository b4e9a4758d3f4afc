-- CreateTable
CREATE TABLE "IdentityBinding" (
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "boundAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdentityBinding_pkey" PRIMARY KEY ("issuer","subject")
);

-- CreateIndex
CREATE UNIQUE INDEX "IdentityBinding_personId_issuer_key" ON "IdentityBinding"("personId", "issuer");
