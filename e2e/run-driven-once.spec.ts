import { expect, test } from "@playwright/test";
import { dbQuery } from "./support/db";
import { customerToken } from "./support/tokens";

// Next.js loads the run executor more than once in one `next start` process (the
// instrumentation chunk with the recovery loop, the route chunks, the server-rendering
// chunk). The set of runs a process drives must be one per process, or the recovery loop
// takes a run that POST /api/runs is driving as soon as its lease looks lapsed, and the
// process drives it twice. Here its lease is made to look lapsed for a while as the run
// goes on: the run must still be claimed once.

const MESSAGE = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";

test("a run started through the API is driven once by its process, even while its lease looks lapsed to the recovery loop", async ({ request }) => {
  test.setTimeout(90_000);
  const res = await request.post("/api/runs", {
    headers: { authorization: `Bearer ${await customerToken({ customerId: "C-1008" })}` },
    data: { message: MESSAGE },
  });
  expect(res.status()).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  const status = async () => (await dbQuery<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [runId]))[0]?.status;
  await expect.poll(status, { timeout: 30_000 }).toBe("running");

  // The recovery loop polls every 0.5 s: for 2.5 s it sees a lapsed lease at every poll.
  const until = Date.now() + 2_500;
  while (Date.now() < until && (await status()) === "running") {
    await dbQuery(`UPDATE runs SET "leaseExpiresAt" = to_timestamp(0) WHERE id = $1 AND status = 'running'`, [runId]);
    await new Promise((r) => setTimeout(r, 100));
  }
  await expect.poll(status, { timeout: 60_000 }).toMatch(/^(completed|awaiting_review)$/);
  const [run] = await dbQuery<{ attempts: number }>(`SELECT attempts FROM runs WHERE id = $1`, [runId]);
  expect(run.attempts).toBe(1);
  const started = await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM run_events WHERE "runId" = $1 AND type = 'run_started'`, [runId]);
  expect(Number(started[0].n)).toBe(1);
});
