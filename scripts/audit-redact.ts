// `npm run audit:redact`: removes audit payloads older than AUDIT_RETENTION_DAYS (the
// app also does this hourly). The chain stays verifiable: `npm run audit:verify`.
import { redactAuditPayloads, retentionDaysFromEnv } from "../lib/audit/retention";
import { createDb } from "../lib/db/client";
import { exitAfterFlush } from "./exit-after-flush";

const days = retentionDaysFromEnv();
if (!process.env.DATABASE_URL || days === null) {
  console.error("set DATABASE_URL and AUDIT_RETENTION_DAYS (payloads older than that many days are removed)");
  await exitAfterFlush(2);
}
const db = createDb(process.env.DATABASE_URL!, 2);
const n = await redactAuditPayloads({ db, before: new Date(Date.now() - days! * 86_400_000) });
console.log(`redacted the payloads of ${n} audit entries older than ${days} days`);
await db.$disconnect();
await exitAfterFlush(0);
