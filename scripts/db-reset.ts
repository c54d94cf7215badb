// `npm run db:reset`: restores the demo world (and clears every run) in the
// database the app uses: DATABASE_URL, or the embedded one under .data/.
import { createDb } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";

const prepared = await prepareDatabase({ log: (m) => console.log(m) });
const db = createDb(prepared.url, 2);
await resetWorld(db, loadWorld());
console.log("[db] world restored from fixtures/world.json; runs cleared");
await db.$disconnect();
await prepared.embedded?.stop();
process.exit(0);
