-- AlterTable
ALTER TABLE "runs" ADD COLUMN     "spanId" TEXT,
ADD COLUMN     "traceId" TEXT;

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "runId" TEXT,
    "subject" TEXT,
    "payload" JSONB,
    "payloadHash" TEXT NOT NULL,
    "prevHash" TEXT,
    "hash" TEXT,
    "redactedAt" TIMESTAMP(3),

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "hash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_alerts" (
    "id" TEXT NOT NULL,
    "invocationId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "worker" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "baseline" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "deliveryError" TEXT,

    CONSTRAINT "usage_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_seq_key" ON "audit_log"("seq");

-- CreateIndex
CREATE INDEX "audit_log_runId_id_idx" ON "audit_log"("runId", "id");

-- CreateIndex
CREATE INDEX "audit_log_kind_at_idx" ON "audit_log"("kind", "at");

-- CreateIndex
CREATE INDEX "usage_alerts_createdAt_idx" ON "usage_alerts"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "usage_alerts_invocationId_metric_key" ON "usage_alerts"("invocationId", "metric");

-- CreateIndex
CREATE INDEX "runs_createdAt_id_idx" ON "runs"("createdAt", "id");

-- ───────────── The audit chain (hand-written; see lib/db/audit.ts) ─────────────
-- The chain starts at position 0 with an empty hash.
INSERT INTO "audit_chain_head" ("id", "seq", "hash") VALUES (1, 0, '');

-- One field of the hashed text: length-prefixed so that no two different entries
-- serialize alike ("ab"+"c" vs "a"+"bc"), and NULL distinct from ''.
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '~' ELSE length(v)::text || ':' || v END
$$;

-- The hash of one entry: its position, the previous entry's hash and its content.
-- The payload enters through its own hash, so redacting it keeps the chain verifiable.
-- `npm run audit:verify` recomputes it with this same function.
CREATE FUNCTION audit_entry_hash(seq bigint, prev_hash text, at timestamp, kind text, actor text, run_id text, subject text, payload_hash text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(
    'switchboard-audit-v1' || audit_field(seq::text) || audit_field(prev_hash)
    || audit_field(to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS')) || audit_field(kind) || audit_field(actor)
    || audit_field(run_id) || audit_field(subject) || audit_field(payload_hash),
    'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_payload_hash(payload jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(coalesce(payload::text, 'null'), 'UTF8')), 'hex')
$$;

-- A writer supplies content only: the time, the payload hash and the seal are ours.
CREATE FUNCTION audit_log_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."at" := clock_timestamp();
  NEW."payloadHash" := audit_payload_hash(NEW.payload);
  NEW.seq := NULL;
  NEW."prevHash" := NULL;
  NEW.hash := NULL;
  NEW."redactedAt" := NULL;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_before_insert BEFORE INSERT ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_before_insert();

-- Sealing runs at COMMIT (a deferred constraint trigger), not at insert: the chain
-- head's row lock is then held only for the commit itself, never while the
-- transaction waits for other locks (a review decision's run row, say), so appends
-- from any number of transactions and processes cannot deadlock on it. The lock
-- orders them: positions are dense and follow commit order, one chain, no fork.
CREATE FUNCTION audit_log_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  e "audit_log"%ROWTYPE;
  sealed text;
BEGIN
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM "audit_chain_head" h WHERE h.id = 1 FOR UPDATE;
  SELECT * INTO e FROM "audit_log" WHERE id = NEW.id;
  IF NOT FOUND OR e.seq IS NOT NULL THEN RETURN NULL; END IF;
  sealed := audit_entry_hash(head_seq + 1, head_hash, e."at", e.kind, e.actor, e."runId", e.subject, e."payloadHash");
  UPDATE "audit_log" SET seq = head_seq + 1, "prevHash" = head_hash, hash = sealed WHERE id = NEW.id;
  UPDATE "audit_chain_head" SET seq = head_seq + 1, hash = sealed WHERE id = 1;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER audit_log_seal AFTER INSERT ON "audit_log"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_seal();

-- Append-only. The only updates let through: sealing a row not sealed yet (such a
-- row exists only inside its own uncommitted transaction) and retention's redaction
-- (payload removed, redactedAt set, everything else, hashes included, unchanged).
CREATE FUNCTION audit_log_protect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id AND NEW."at" = OLD."at" AND NEW.kind = OLD.kind AND NEW.actor = OLD.actor
     AND NEW."runId" IS NOT DISTINCT FROM OLD."runId" AND NEW.subject IS NOT DISTINCT FROM OLD.subject
     AND NEW."payloadHash" = OLD."payloadHash" THEN
    IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND NEW.payload IS NOT DISTINCT FROM OLD.payload AND NEW."redactedAt" IS NOT DISTINCT FROM OLD."redactedAt" THEN
      RETURN NEW;
    END IF;
    IF OLD.seq IS NOT NULL AND NEW.seq = OLD.seq AND NEW."prevHash" = OLD."prevHash" AND NEW.hash = OLD.hash
       AND OLD.payload IS NOT NULL AND NEW.payload IS NULL AND OLD."redactedAt" IS NULL AND NEW."redactedAt" IS NOT NULL THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % of entry % refused', TG_OP, OLD.id USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_protect BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_protect();

-- The head moves one position at a time, onto a sealed entry; it is never deleted.
CREATE FUNCTION audit_chain_head_protect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.seq = OLD.seq + 1
     AND EXISTS (SELECT 1 FROM "audit_log" WHERE seq = NEW.seq AND hash = NEW.hash) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_chain_head moves only by sealing an entry: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_chain_head_protect BEFORE UPDATE OR DELETE ON "audit_chain_head" FOR EACH ROW EXECUTE FUNCTION audit_chain_head_protect();

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON "audit_chain_head" FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
