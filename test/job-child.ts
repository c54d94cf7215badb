// A separate process for the job takeover test: its runner claims the job named
// JOB_KIND, and the handler kills its own process with SIGKILL as soon as it starts: no
// cleanup, no settling, the lease left held with plenty of time to run (as when a
// server is killed or loses power in the middle of a job).
import { createDb } from "../lib/db/client";
import { JobRunner } from "../lib/jobs/runner";

const { DATABASE_URL, JOB_KIND } = process.env;
const db = createDb(DATABASE_URL!, 2);
const runner = new JobRunner({
  db,
  jobs: [
    {
      kind: JOB_KIND!,
      leaseMs: 60_000,
      run: async ({ job }) => {
        process.stdout.write(`${job.id} ${job.epoch}\n`, () => process.kill(process.pid, "SIGKILL"));
        await new Promise(() => undefined);
      },
    },
  ],
});
const started = await runner.poll();
if (started.length === 0) {
  process.stderr.write("nothing to claim\n");
  process.exit(2);
}
