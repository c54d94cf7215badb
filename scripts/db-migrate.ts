// `npm run db:migrate`: applies pending migrations (prisma/migrations) and says how
// many. With DATABASE_URL it migrates that server and does nothing else (no demo
// data: that database may be anyone's). Without it, the embedded database under .data/
// is prepared exactly as `npm start` prepares it (attach to a running app's server or
// start one, migrate, seed the demo world if empty): it only ever holds the demo.
import { migrate } from "../lib/db/migrate";
import { prepareDatabase } from "../lib/db/prepare";

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const prepared = await prepareDatabase({ log: (m) => console.log(m) }); // prints "[db] migrations: N applied, M already present"
    await prepared.embedded?.stop();
    return;
  }
  const { hostname, port, pathname } = new URL(url);
  console.log(`[db] migrating PostgreSQL from DATABASE_URL (${hostname}:${port || 5432}${pathname})`);
  const result = await migrate(url);
  for (const name of result.applied) console.log(`[db] applied ${name}`);
  console.log(`[db] migrations: ${result.applied.length} applied, ${result.alreadyApplied} already present`);
}

// exitCode, not exit(): a piped stdout may not be flushed yet.
main().catch((err: unknown) => {
  console.error(`[db] migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
