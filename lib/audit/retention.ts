import { z } from "zod";
import type { Db } from "../db/client";

// Retention: payloads older than AUDIT_RETENTION_DAYS are removed (customer words,
// tool results), while each entry keeps its kind, actor, run, subject, time and the
// payload's hash. The chain's hashes cover the payload hash, not the payload, so a
// redacted chain still verifies. The table's trigger lets through exactly this update.

const retentionSchema = z.coerce.number().int().min(1).max(36500);

/** The configured retention in days, or null (keep payloads forever, the default). */
export function retentionDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.AUDIT_RETENTION_DAYS;
  if (raw === undefined || raw === "") return null;
  const parsed = retentionSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`AUDIT_RETENTION_DAYS must be a whole number of days (1 to 36500), got "${raw}"`);
  return parsed.data;
}

/** Removes the payloads of entries written before `before`; returns how many. */
export async function redactAuditPayloads({ db, before }: { db: Db; before: Date }): Promise<number> {
  return db.$executeRaw`
    UPDATE audit_log SET payload = NULL, "redactedAt" = now()
    WHERE "at" < ${before} AND payload IS NOT NULL AND seq IS NOT NULL`;
}
