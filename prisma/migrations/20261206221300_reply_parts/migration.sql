-- One row per part of a progressively written reply; the primary key (runId, index)
-- is what makes a part final: a resumed run, or a process that lost its lease, cannot
-- write the same part twice.
-- CreateTable
CREATE TABLE "reply_parts" (
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "taskIds" TEXT[],
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reply_parts_pkey" PRIMARY KEY ("runId","index")
);

-- AddForeignKey
ALTER TABLE "reply_parts" ADD CONSTRAINT "reply_parts_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
