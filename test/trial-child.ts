// A separate process for the trial takeover test: starts a settings trial, runs its job
// with a job runner of its own, and kills itself with SIGKILL once TRIAL_KILL_AFTER
// cases are done: no cleanup, no finally blocks, as when a server is killed or loses
// power in the middle of "Test this change".
import { createDb } from "../lib/db/client";
import { JobRunner } from "../lib/jobs/runner";
import { settingsSourceFor } from "../lib/orchestrator/settings";
import { startTrial } from "../lib/settings/trial";
import { settingsTrialJob } from "../lib/settings/trial-job";

const { DATABASE_URL, TRIAL_EVAL_DIR, TRIAL_DRAFT, TRIAL_KILL_AFTER } = process.env;
const db = createDb(DATABASE_URL!, 4);
const source = settingsSourceFor(db);
const killAfter = Number(TRIAL_KILL_AFTER);
const started = await startTrial(db, source, { id: "admin-1", name: "Alex Admin", email: "admin@switchboard.local" }, { basedOn: (await source.current()).version, settings: JSON.parse(TRIAL_DRAFT!), files: ["mini.jsonl"] }, { evalDir: TRIAL_EVAL_DIR });
if (!started.ok) {
  process.stderr.write(`trial not started: ${JSON.stringify(started)}\n`);
  process.exit(2);
}
process.stdout.write(`${started.trialId}\n`);
const runner = new JobRunner({ db, jobs: [settingsTrialJob({ source, evalDir: TRIAL_EVAL_DIR })], pollMs: 50 });
runner.start();
for (;;) {
  const row = await db.settingsTrial.findUniqueOrThrow({ where: { id: started.trialId } });
  if (row.casesDone >= killAfter) process.kill(process.pid, "SIGKILL");
  if (row.status !== "running") process.exit(3);
  await new Promise((r) => setTimeout(r, 20));
}
