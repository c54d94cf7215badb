// The checker: after a round settles, every run is held against the ledger
// (side_effects) and the world (credits, plan_changes, dispatches, line_states,
// customers.planId), and every reply against the effects its own run recorded and
// the tool answers it got. The world is reset before each round; a world effect
// names its run (runId), and a ledger row's key starts with it, so effects are
// attributed per run even when two runs of one customer race (two_runs mode).
import type pg from "pg";
import { formatCents } from "../../lib/money";
import { loadWorld } from "../../lib/world/fixture";

export interface Counts {
  runs: number;
  lost: number;
  doubled: number;
  stuck: number;
  duplicate_replies: number;
  missing_replies: number;
  duplicate_followups: number;
  missing_followups: number;
  inconsistent: number;
  /** Events a run got after its run_finished, other than a reviewer's (decision, retried part). */
  after_finish: number;
  /** Worker attempts still `running` in a run that finished. */
  running_left: number;
  /** Rows a stopped-then-woken process committed for a run taken over from it (sigstop modes). */
  stale_writes: number;
  /** A reviewer's retry after the process running the previous one died: refused as stale while the dead process held it, or a server error (retry_kill). */
  retry_refused: number;
}

export interface Finding {
  kind: keyof Omit<Counts, "runs">;
  runId: string | null;
  customerId: string | null;
  detail: string;
  /** For a run's findings: what its side-effecting tool calls answered and the errors it logged (for a reproduction). */
  evidence?: { toolCalls: Array<{ attempt: number; tool: string; isError: boolean; result: string }>; errors: string[]; attempts: number };
}

export const emptyCounts = (): Counts => ({
  runs: 0, lost: 0, doubled: 0, stuck: 0, duplicate_replies: 0, missing_replies: 0, duplicate_followups: 0, missing_followups: 0, inconsistent: 0,
  after_finish: 0, running_left: 0, stale_writes: 0, retry_refused: 0,
});

export function addCounts(into: Counts, c: Counts) {
  for (const k of Object.keys(into) as Array<keyof Counts>) into[k] += c[k];
}

interface RunRow { id: string; customerId: string; status: string; step: string; reply: string | null; attempts: number; error: string | null }
interface Ledger { idempotencyKey: string; runId: string | null; tool: string; customerId: string; args: Record<string, unknown>; result: Record<string, unknown>; createdAt: Date }
interface Review {
  id: string; runId: string; taskId: string; kind: string; status: string; resolution: string | null; retryEpoch: number; retryOwner: string | null;
  retryLive: boolean; proposedAction: Record<string, unknown> | null; followedUpAt: Date | null; createdAt: Date;
}

const world = loadWorld();
const planName = new Map(world.plans.map((p) => [p.id, p.name]));
const seedPlan = new Map(world.customers.map((c) => [c.id, c.planId]));
const FAILED_REPLY_START = "I'm sorry: something went wrong on our side";

// The local model's own wording (lib/models/local/brains/*.ts and review-decisions.ts):
// what a reply says when it claims, or denies, an effect.
const CLAIM = {
  credited: /credited (\$[\d,]+\.\d\d) to your account against invoice ([\w-]+)/gi,
  resetFixed: "fixed it with a remote reset",
  resetNotFixed: "a remote reset didn't fix it",
  booked: "booked a technician visit",
  planNow: /your plan is now (Fiber [\w ]+?) at /gi,
  sentForReview: "sent it for review",
};

/** Checks every run of a round; returns the counts and one finding per problem. */
export async function checkRound(db: pg.ClientBase | pg.Pool, runIds: string[]): Promise<{ counts: Counts; findings: Finding[] }> {
  const findings: Finding[] = [];
  const add = (kind: Finding["kind"], run: { id: string; customerId: string } | null, detail: string) =>
    findings.push({ kind, runId: run?.id ?? null, customerId: run?.customerId ?? null, detail });

  const runs = (await db.query<RunRow>(`SELECT id, "customerId", status::text, step::text, reply, attempts, error FROM runs WHERE id = ANY($1)`, [runIds])).rows;
  const ledger = (await db.query<Ledger>(`SELECT "idempotencyKey", "runId", tool, "customerId", args, result, "createdAt" FROM side_effects`)).rows;
  const reviews = (await db.query<Review>(
    `SELECT id, "runId", "taskId", kind::text, status::text, resolution, "retryEpoch", "retryOwner", coalesce("retryLeaseUntil" > now() AT TIME ZONE 'UTC', false) AS "retryLive",
            "proposedAction", "followedUpAt", "createdAt" FROM review_items WHERE "runId" = ANY($1)`, [runIds])).rows;
  // What each run's side-effecting tools answered (the ones that change nothing too: already_booked, no_fault, …).
  const answers = (await db.query<{ runId: string; tool: string; status: string | null }>(
    `SELECT "runId", tool, result->>'status' AS status FROM tool_calls WHERE "runId" = ANY($1) AND NOT "isError"
        AND tool IN ('issue_credit', 'remote_reset', 'dispatch_technician', 'change_plan')`, [runIds])).rows;
  // Events after a run's first run_finished: a reviewer's decision (review_decided, the
  // run_finished of the run it completes) and a retried part's own events are expected.
  const finishedAt = new Map((await db.query<{ runId: string; at: Date }>(
    `SELECT "runId", min("createdAt") AS at FROM run_events WHERE type = 'run_finished' AND "runId" = ANY($1) GROUP BY "runId"`, [runIds])).rows.map((r) => [r.runId, r.at]));
  const late = (await db.query<{ runId: string; seq: number; type: string; taskId: string | null }>(
    `SELECT e."runId", e.seq, e.type, e.data->>'taskId' AS "taskId" FROM run_events e
       JOIN (SELECT "runId", min(seq) AS seq FROM run_events WHERE type = 'run_finished' AND "runId" = ANY($1) GROUP BY "runId") f
         ON f."runId" = e."runId" AND e.seq > f.seq
      WHERE e.type NOT IN ('review_decided', 'run_finished')`, [runIds])).rows;
  const runningLeft = (await db.query<{ runId: string; taskId: string; attempt: number }>(
    `SELECT i."runId", i."taskId", i.attempt FROM worker_invocations i JOIN runs r ON r.id = i."runId"
      WHERE i."runId" = ANY($1) AND i.status = 'running' AND r.status IN ('completed', 'awaiting_review', 'failed')`, [runIds])).rows;
  const messages = (await db.query<{ runId: string; content: string }>(`SELECT "runId", content FROM messages WHERE role = 'assistant' AND "runId" = ANY($1)`, [runIds])).rows;
  const credits = (await db.query<{ id: string; customerId: string; invoiceId: string; amountCents: number; runId: string | null; source: string }>(
    `SELECT id, "customerId", "invoiceId", "amountCents", "runId", source FROM credits WHERE source <> 'seed'`)).rows;
  const planChanges = (await db.query<{ id: string; customerId: string; toPlanId: string; runId: string | null; createdAt: Date }>(
    `SELECT id, "customerId", "toPlanId", "runId", "createdAt" FROM plan_changes ORDER BY "createdAt"`)).rows;
  const dispatches = (await db.query<{ id: string; customerId: string; runId: string | null }>(`SELECT id, "customerId", "runId" FROM dispatches`)).rows;
  const lines = (await db.query<{ customerId: string; status: string; lastResetAt: Date | null }>(`SELECT "customerId", status, "lastResetAt" FROM line_states`)).rows;
  const customers = (await db.query<{ id: string; planId: string }>(`SELECT id, "planId" FROM customers`)).rows;

  if (runs.length !== runIds.length) add("lost", null, `${runIds.length - runs.length} submitted runs are missing from the runs table`);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const applied = (l: Ledger) => String(l.result.status);

  // ── Ledger → world: every recorded effect exists once in the world, made by its run.
  for (const l of ledger) {
    const run = l.runId ? runById.get(l.runId) ?? null : null;
    if (!run) add("doubled", null, `ledger row ${l.idempotencyKey} belongs to no run of this round`);
    const r = l.result;
    if (l.tool === "issue_credit" && applied(l) === "applied") {
      const c = credits.find((x) => x.id === r.creditId);
      if (!c || c.runId !== l.runId || c.amountCents !== r.amountCents) add("lost", run, `ledger ${l.idempotencyKey}: credit ${String(r.creditId)} not in the world as recorded`);
    } else if (l.tool === "change_plan" && applied(l) === "applied") {
      const p = planChanges.find((x) => x.id === r.planChangeId);
      if (!p || p.runId !== l.runId || p.toPlanId !== r.toPlanId) add("lost", run, `ledger ${l.idempotencyKey}: plan change ${String(r.planChangeId)} not in the world as recorded`);
    } else if (l.tool === "dispatch_technician" && applied(l) === "booked") {
      const d = dispatches.find((x) => x.id === r.dispatchId);
      if (!d || d.runId !== l.runId) add("lost", run, `ledger ${l.idempotencyKey}: dispatch ${String(r.dispatchId)} not in the world`);
    } else if (l.tool === "remote_reset") {
      const line = lines.find((x) => x.customerId === l.customerId);
      if (!line?.lastResetAt || (applied(l) === "fixed" && line.status !== "ok")) add("lost", run, `ledger ${l.idempotencyKey}: reset (${applied(l)}) not visible on the line (${line?.status}, lastResetAt ${line?.lastResetAt})`);
    }
  }

  // ── World → ledger: no effect without its ledger row, and none twice.
  const ledgerRef = (tool: string, field: string, id: string) => ledger.some((l) => l.tool === tool && l.result[field] === id);
  for (const c of credits) if (!ledgerRef("issue_credit", "creditId", c.id)) add("doubled", runById.get(c.runId ?? "") ?? null, `credit ${c.id} (${formatCents(c.amountCents)} on ${c.invoiceId}) has no ledger row`);
  for (const p of planChanges) if (!ledgerRef("change_plan", "planChangeId", p.id)) add("doubled", runById.get(p.runId ?? "") ?? null, `plan change ${p.id} to ${p.toPlanId} has no ledger row`);
  for (const d of dispatches) if (!ledgerRef("dispatch_technician", "dispatchId", d.id)) add("doubled", runById.get(d.runId ?? "") ?? null, `dispatch ${d.id} has no ledger row`);
  for (const line of lines) {
    if (line.lastResetAt && !ledger.some((l) => l.tool === "remote_reset" && l.customerId === line.customerId)) add("doubled", null, `line of ${line.customerId} was reset without a ledger row`);
  }
  const twice = <T>(rows: T[], key: (r: T) => string, what: string) => {
    const seen = new Map<string, number>();
    for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
    for (const [k, n] of seen) if (n > 1) add("doubled", null, `${what} ${k} happened ${n} times`);
  };
  twice(credits, (c) => `${c.customerId}:${c.invoiceId}:${c.amountCents}`, "credit");
  twice(dispatches, (d) => d.customerId, "dispatch for");
  twice(planChanges, (p) => `${p.customerId}→${p.toPlanId}`, "plan change");
  // Two runs of one customer may each reset a line that is still faulty; one run resets once,
  // and a line fixed by one reset is never reset again (the next run finds no fault).
  twice(ledger.filter((l) => l.tool === "remote_reset"), (l) => `${l.customerId} by run ${l.runId}`, "remote reset of");
  twice(ledger.filter((l) => l.tool === "remote_reset" && applied(l) === "fixed"), (l) => l.customerId, "fixing remote reset of");
  for (const c of customers) {
    const last = planChanges.filter((p) => p.customerId === c.id).at(-1);
    const expected = last?.toPlanId ?? seedPlan.get(c.id);
    if (c.planId !== expected) add("lost", null, `${c.id} is on ${c.planId}, but its plan changes say ${expected}`);
  }

  for (const run of runs) {
    const mine = ledger.filter((l) => l.runId === run.id);
    const myReviews = reviews.filter((r) => r.runId === run.id);
    // The run's own tools, not approvals; and not what a reviewer's retry of a failed part
    // did after the reply was written (its follow-up reports that, checked below).
    const finished = finishedAt.get(run.id);
    const byRetry = (l: Ledger) =>
      finished !== undefined && l.createdAt > finished && myReviews.some((r) => r.retryEpoch > 0 && l.idempotencyKey.startsWith(`${run.id}:${r.taskId}:`));
    const own = mine.filter((l) => l.idempotencyKey.startsWith(`${run.id}:`) && !byRetry(l));
    const retried = mine.filter((l) => l.idempotencyKey.startsWith(`${run.id}:`) && byRetry(l));

    // ── Stuck: every run finished, waits for a person, or failed with a person told.
    const pending = myReviews.filter((r) => r.status === "pending").length;
    if (run.status === "queued" || run.status === "running") add("stuck", run, `status ${run.status} at step ${run.step} after ${run.attempts} attempts`);
    else if (run.status === "failed" && myReviews.length === 0) add("stuck", run, "failed without a review item");
    else if (run.status === "awaiting_review" && pending === 0) add("stuck", run, "awaiting_review with no pending review item");
    else if (run.status === "completed" && pending > 0) add("stuck", run, `completed with ${pending} pending review items`);
    for (const r of myReviews.filter((x) => x.resolution === "retrying" && !x.retryLive)) {
      add("stuck", run, `review ${r.id} stays retrying without a live owner (${r.retryOwner ?? "none"}, epoch ${r.retryEpoch})`);
    }
    const retriedTasks = new Set(myReviews.filter((r) => r.retryEpoch > 0).map((r) => r.taskId));
    const lateEvents = late.filter((e) => e.runId === run.id && !(e.taskId && retriedTasks.has(e.taskId)));
    if (lateEvents.length) add("after_finish", run, `${lateEvents.length} events after run_finished: ${lateEvents.map((e) => `${e.seq}:${e.type}${e.taskId ? `(${e.taskId})` : ""}`).join(", ")}`);
    const left = runningLeft.filter((i) => i.runId === run.id);
    if (left.length) add("running_left", run, `run ${run.status} with ${left.length} attempts still running: ${left.map((i) => `${i.taskId}#${i.attempt}`).join(", ")}`);
    if (run.status === "queued" || run.status === "running") continue;

    // ── One reply per run, one follow-up per decided review.
    const reply = run.reply ?? "";
    const mineMsgs = messages.filter((m) => m.runId === run.id);
    const replies = mineMsgs.filter((m) => m.content === reply).length;
    if (replies !== 1) add(replies > 1 ? "duplicate_replies" : "missing_replies", run, `${replies} reply messages`);
    const followUps = mineMsgs.filter((m) => m.content !== reply);
    const decided = myReviews.filter((r) => r.status !== "pending");
    const owed = decided.filter((r) => r.followedUpAt).length;
    if (decided.length !== owed) add("missing_followups", run, `${decided.length - owed} decided reviews never followed up`);
    if (followUps.length > owed) add("duplicate_followups", run, `${followUps.length} follow-up messages for ${owed} decided reviews`);
    else if (followUps.length < owed) add("missing_followups", run, `${followUps.length} follow-up messages for ${owed} decided reviews`);
    for (const r of decided) {
      // A decided approval's follow-up must match what the ledger says the approval did.
      const approval = ledger.find((l) => l.idempotencyKey === `review:${r.id}`);
      if (r.status === "rejected" && approval) add("doubled", run, `rejected review ${r.id} has an effect in the ledger`);
      const action = r.proposedAction;
      if (r.status !== "approved" || !action) continue;
      const about = action.type === "credit" ? `${formatCents(Number(action.amountCents))} credit on invoice ${String(action.invoiceId)}` : "plan change";
      const text = followUps.map((m) => m.content).filter((t) => t.includes(about)).join("\n");
      const saysApplied = /has been applied to your account|approved and is now active/i.test(text);
      const wasApplied = approval ? applied(approval) === "applied" : false;
      if (wasApplied !== saysApplied) add("inconsistent", run, `review ${r.id} (${about}): ledger applied=${wasApplied}, follow-up says applied=${saysApplied}`);
    }

    // ── The reply against the run's own ledger.
    const bad = (detail: string) => add("inconsistent", run, `${detail} | reply: ${JSON.stringify(reply)} | ledger: ${own.map((l) => `${l.tool}=${applied(l)}`).join(", ") || "none"}`);
    // Case-insensitive: synthesis joins parts with "Also, " and lower-cases their first word.
    const says = (phrase: string) => reply.toLowerCase().includes(phrase.toLowerCase());
    const failedReply = reply.startsWith(FAILED_REPLY_START);
    const ownCredits = own.filter((l) => l.tool === "issue_credit" && applied(l) === "applied");
    for (const l of ownCredits) {
      const amt = formatCents(Number(l.result.amountCents));
      const inv = String(l.result.invoiceId);
      if (!says(`credited ${amt} to your account against invoice ${inv}`)) bad(`credit ${amt} on ${inv} recorded but the reply does not say it was credited`);
      if (says(`${amt} correction on invoice ${inv} has already been credited`)) bad(`reply calls the run's own ${amt} credit an earlier one`);
      if (/every charge matches your plan|found no billing error/i.test(reply)) bad("reply denies a billing error the run credited");
    }
    for (const m of reply.matchAll(CLAIM.credited)) {
      if (!ownCredits.some((l) => formatCents(Number(l.result.amountCents)) === m[1] && l.result.invoiceId === m[2])) bad(`reply says ${m[1]} was credited on ${m[2]}; the run's ledger has no such credit`);
    }
    const resets = own.filter((l) => l.tool === "remote_reset");
    const fixed = resets.some((l) => applied(l) === "fixed");
    const notFixed = resets.some((l) => applied(l) === "not_fixed");
    if (says(CLAIM.resetFixed) && !fixed) bad("reply says a remote reset fixed the line; the run's ledger has no such reset");
    if (says(CLAIM.resetNotFixed) && !notFixed) bad("reply says a remote reset was tried and did not fix the line; the run's ledger has no such reset");
    if (fixed && !says(CLAIM.resetFixed)) bad("the run's remote reset fixed the line but the reply does not say so");
    if (fixed && /Wi-Fi|tests healthy/i.test(reply)) bad("reply blames home Wi-Fi after the run's own reset fixed the line");
    if (notFixed && !says(CLAIM.resetNotFixed)) bad("the run's remote reset did not fix the line but the reply does not say it was tried");
    const booked = own.some((l) => l.tool === "dispatch_technician" && applied(l) === "booked");
    if (says(CLAIM.booked) && !booked) bad("reply says a technician was booked; the run's ledger has no dispatch");
    if (booked && !says(CLAIM.booked)) bad("the run booked a technician but the reply does not say so");
    const changed = own.filter((l) => l.tool === "change_plan" && applied(l) === "applied").map((l) => planName.get(String(l.result.toPlanId)));
    for (const m of reply.matchAll(CLAIM.planNow)) if (!changed.includes(m[1])) bad(`reply says the plan is now ${m[1]}; the run's ledger has no such change`);
    for (const name of changed) {
      if (!says(`your plan is now ${name} at`)) bad(`the run changed the plan to ${name} but the reply does not say so`);
      if (says(`You're already on ${name}`) || says("I can't change your plan")) bad(`reply denies the run's own change to ${name}`);
    }
    // Promises of a person's review must be backed by a review item, and vice versa.
    // (An approval a reviewer's retry of a failed part asked for, after the reply, is its follow-up's to announce.)
    const retriedTaskIds = new Set(myReviews.filter((r) => r.retryEpoch > 0).map((r) => r.taskId));
    const fromRetry = (r: Review) => finished !== undefined && r.createdAt > finished && retriedTaskIds.has(r.taskId);
    const approvalItems = myReviews.filter((r) => (r.kind === "credit_over_limit" || r.kind === "downgrade_fee") && !fromRetry(r));
    if (says(CLAIM.sentForReview) && approvalItems.length === 0) bad("reply says it was sent for review; the run has no review item");
    if (approvalItems.length > 0 && !says(CLAIM.sentForReview) && !failedReply) bad("the run asked for an approval but the reply does not say so");
    // What the run's tools answered without acting (another run of the customer, or an
    // earlier one, had done it): never claimed as this run's own action.
    const got = (tool: string, status: string) => answers.some((a) => a.runId === run.id && a.tool === tool && a.status === status);
    if (got("dispatch_technician", "already_booked") && !booked && says(CLAIM.booked)) bad("the dispatch tool answered already_booked, but the reply says this run booked one");
    if (got("remote_reset", "no_fault") && !fixed && !notFixed && (says(CLAIM.resetFixed) || says(CLAIM.resetNotFixed))) bad("the reset tool answered no_fault, but the reply says a reset was run");
    if (got("issue_credit", "already_credited") && ownCredits.length === 0 && new RegExp(CLAIM.credited.source, "i").test(reply)) bad("the credit tool answered already_credited, but the reply says this run credited");
    if (got("change_plan", "already_on_plan") && changed.length === 0 && says("your plan is now")) bad("the plan tool answered already_on_plan, but the reply says this run changed the plan");
    // A reviewer's retry that succeeded answers the customer with the worker's summary: it
    // states what the retry did.
    const retryText = followUps.map((m) => m.content).join("\n").toLowerCase();
    if (myReviews.some((r) => r.resolution === "retry" && r.status === "approved")) {
      for (const l of retried) {
        const amt = formatCents(Number(l.result.amountCents));
        if (l.tool === "issue_credit" && applied(l) === "applied" && !retryText.includes(`credited ${amt} to your account against invoice ${String(l.result.invoiceId)}`.toLowerCase())) bad(`a retried part credited ${amt}, but no follow-up says so`);
        if (l.tool === "dispatch_technician" && applied(l) === "booked" && !retryText.includes(CLAIM.booked)) bad("a retried part booked a technician, but no follow-up says so");
        if (l.tool === "change_plan" && applied(l) === "applied" && !retryText.includes(`your plan is now ${planName.get(String(l.result.toPlanId))}`.toLowerCase())) bad("a retried part changed the plan, but no follow-up says so");
      }
    }
    // A failed run's or part's reply states the effects it committed (the ledger's
    // statements): the checks above hold it to each of them like any other reply.
  }

  // Evidence for every run with a finding: its side-effect tool calls as the model saw them.
  for (const f of findings) {
    if (!f.runId) continue;
    const calls = await db.query<{ attempt: number; tool: string; isError: boolean; result: unknown }>(
      `SELECT i.attempt, t.tool, t."isError", t.result FROM tool_calls t JOIN worker_invocations i ON i.id = t."invocationId"
        WHERE t."runId" = $1 AND t.tool IN ('issue_credit', 'remote_reset', 'dispatch_technician', 'change_plan') ORDER BY t."createdAt"`, [f.runId]);
    const errors = await db.query<{ data: { message?: string } }>(`SELECT data FROM run_events WHERE "runId" = $1 AND type = 'error' ORDER BY seq`, [f.runId]);
    f.evidence = {
      toolCalls: calls.rows.map((c) => ({ attempt: c.attempt, tool: c.tool, isError: c.isError, result: JSON.stringify(c.result).slice(0, 300) })),
      errors: errors.rows.map((e) => String(e.data.message ?? "").slice(0, 300)),
      attempts: runById.get(f.runId)?.attempts ?? 0,
    };
  }

  const counts = emptyCounts();
  counts.runs = runs.length;
  for (const f of findings) counts[f.kind]++;
  return { counts, findings };
}
