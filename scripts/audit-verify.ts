// `npm run audit:verify`: walks the audit chain and names the first broken link.
// Exit 0 when the chain holds, 1 when it does not. `-- --run <id>` checks one run's entries.
import { verifyAuditChain } from "../lib/audit/verify";
import { createDb } from "../lib/db/client";
import { exitAfterFlush } from "./exit-after-flush";
import { parseArgs } from "node:util";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set (the embedded database is reachable while `npm start` runs: see README)");
  await exitAfterFlush(2);
}
const { run: runId } = parseArgs({ options: { run: { type: "string" } } }).values;
const db = createDb(url!, 2);
try {
  const report = await verifyAuditChain({ db, runId });
  if (report.ok) {
    console.log(`audit chain OK: ${report.entries} entries${runId ? ` of run ${runId}` : ""}, head ${report.headHash || "(empty)"}`);
  } else {
    console.error(`audit chain BROKEN at entry #${report.broken.seq}${report.broken.id ? ` (id ${report.broken.id})` : ""}: ${report.broken.message}`);
    console.error(`${report.entries} entries verified before it.`);
  }
  await db.$disconnect();
  await exitAfterFlush(report.ok ? 0 : 1);
} catch (err) {
  console.error(`audit:verify could not read the chain: ${(err as Error).message}`);
  await exitAfterFlush(2);
}
