-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "settingsVersion" INTEGER;

-- CreateTable
CREATE TABLE "settings_versions" (
    "version" INTEGER NOT NULL,
    "settings" JSONB NOT NULL,
    "diff" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "createdById" TEXT,
    "createdByName" TEXT NOT NULL,
    "restoredVersion" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_versions_pkey" PRIMARY KEY ("version")
);

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_settingsVersion_fkey" FOREIGN KEY ("settingsVersion") REFERENCES "settings_versions"("version") ON DELETE SET NULL ON UPDATE CASCADE;

-- Versions are immutable: a change or a rollback is a new row, never an edit. The
-- trigger makes that true for every client, not only for the app's queries.
CREATE FUNCTION settings_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'settings_versions rows are immutable: add a new version instead';
END
$$;
CREATE TRIGGER settings_versions_immutable BEFORE UPDATE OR DELETE ON settings_versions
  FOR EACH ROW EXECUTE FUNCTION settings_versions_immutable();

-- CreateEnum
CREATE TYPE "settings_trial_status" AS ENUM ('running', 'done', 'failed');

-- CreateTable
CREATE TABLE "settings_trials" (
    "id" TEXT NOT NULL,
    "basedOn" INTEGER NOT NULL,
    "draft" JSONB NOT NULL,
    "files" TEXT[],
    "status" "settings_trial_status" NOT NULL DEFAULT 'running',
    "casesDone" INTEGER NOT NULL DEFAULT 0,
    "casesTotal" INTEGER NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "settings_trials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "settings_trials_createdAt_idx" ON "settings_trials"("createdAt");
