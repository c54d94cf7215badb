// A separate process for the review retry crash test: a reviewer's retry of a failed
// part, killed with SIGKILL at the step boundary named by CRASH_AT (no cleanup, as when
// a server dies mid-request).
import { fixedClock } from "../lib/clock";
import { createDb } from "../lib/db/client";
import { localModels } from "../lib/models/registry";
import { createEngine } from "../lib/orchestrator/engine";
import { retryReview } from "../lib/orchestrator/review-retry";

const { DATABASE_URL, REVIEW_ID, STAFF, CRASH_AT } = process.env;
const db = createDb(DATABASE_URL!, 4);
const deps = createEngine({
  db,
  worldAsOf: "2026-11-15",
  clock: fixedClock("2026-11-15"),
  models: localModels(0),
  onBoundary(name) {
    if (name === CRASH_AT) process.kill(process.pid, "SIGKILL");
  },
});
const result = await retryReview(deps, { reviewId: REVIEW_ID!, staff: JSON.parse(STAFF!), allowedRoles: ["reviewer", "admin"] });
process.stdout.write(`result:${JSON.stringify(result)}\n`);
await db.$disconnect();
process.exit(0);
