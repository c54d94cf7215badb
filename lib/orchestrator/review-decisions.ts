import { z } from "zod";
import type { Clock } from "../clock";
import type { ReviewItem } from "../generated/prisma/client";
import type { Db, Tx } from "../db/client";
import { formatCents } from "../money";
import { applyApprovedAction, proposedActionSchema } from "../tools/approved-actions";
import type { RunEventBus } from "./event-bus";
import type { StoredRunEvent } from "./events";
import { textProblem, type ReviewKind, type DecidedReviewStatus } from "../contracts";
import { appendAudit } from "../db/audit";
import {
  appendEvent, claimFollowUp, claimRefusal, claimReviewItem, completeRunIfSettled, decideReviewItem, getRun, recordReviewOutcome, releaseReviewItem,
  type Reviewer,
} from "./store";

/**
 * A reviewer's transaction (claim, release, decision, a retry's start and end): it may
 * wait up to 10 s for a connection and run 20 s, well past Prisma's 2 s / 5 s, because a
 * machine busy recovering runs (a restart) starves it of CPU, and a reviewer would
 * rather wait than be told to try again. Past that the reviewer is told the database
 * is busy (lib/reviews/refusals.ts busyAsRefusal, a 503 on the API).
 */
export const REVIEW_TRANSACTION = { maxWait: 10_000, timeout: 20_000 } as const;

/** Refuses NUL, control characters and unpaired surrogates in a reviewer's text (a 400, not a 500 from the database). */
function plainText(field: string) {
  return (s: string, ctx: z.RefinementCtx) => {
    const problem = textProblem(s, field);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}

/**
 * What a reviewer may decide. approve / reject act on the stored proposal (a note is
 * required to reject); the send_* decisions answer the customer in the reviewer's
 * words: the worker's draft as it is (low confidence), edited, or written from scratch
 * (also for a failed worker). Strict: a body that carries anything else, such as
 * action arguments, is refused, since approval executes only what is stored.
 */
export const reviewDecisionSchema = z
  .strictObject({
    reviewId: z.string().uuid(),
    decision: z.enum(["approve", "reject", "send_draft", "send_edited", "send_written", "retry"]),
    note: z.string().trim().max(2000).superRefine(plainText("note")).optional(),
    reply: z.string().trim().min(1, "The answer must not be empty").max(4000).superRefine(plainText("reply")).optional(),
    /** The item's version the reviewer's page showed: a later change makes the decision stale. */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.decision === "reject" && !d.note) ctx.addIssue({ code: "custom", path: ["note"], message: "A note is required to reject: say why" });
    const needsReply = d.decision === "send_edited" || d.decision === "send_written";
    if (needsReply && !d.reply) ctx.addIssue({ code: "custom", path: ["reply"], message: "Write the answer the customer should get" });
    if (!needsReply && d.reply !== undefined) ctx.addIssue({ code: "custom", path: ["reply"], message: "Only an edited or written answer carries a reply" });
  });
export type ReviewDecisionInput = z.infer<typeof reviewDecisionSchema>;
export type Decision = ReviewDecisionInput["decision"];

export type ReviewRefusal =
  | "not_found"
  | "already_decided"
  /** The customer took the request back before a reviewer decided it. */
  | "withdrawn"
  | "not_claimed"
  | "claimed_by_other"
  | "stale"
  | "forbidden"
  | "invalid_decision"
  /** A retry of a failed part while its run still has an executor (it has not finished). */
  | "run_in_progress";

export type ReviewDecisionResult =
  | { ok: true; status: DecidedReviewStatus }
  | { ok: false; error: ReviewRefusal; claimedBy?: string };

export interface ReviewDeps {
  db: Db;
  clock: Clock;
  bus?: RunEventBus;
  /** Wall-clock time for claims and decisions (tests pin it); the business clock is `clock`. */
  now?: () => Date;
}

/** Which decisions fit which kind of item. */
export function decisionsFor(kind: ReviewKind): readonly Decision[] {
  switch (kind) {
    case "credit_over_limit":
    case "downgrade_fee":
      return ["approve", "reject"];
    case "low_confidence":
      return ["send_draft", "send_edited", "send_written", "reject"];
    case "worker_failure":
      return ["retry", "send_written", "reject"];
    case "handoff":
      // The person answers the customer in the chat, in their own words.
      return ["send_written"];
  }
}

/** The worker's draft answer a low-confidence item holds (what send_draft sends). */
export function draftOf(item: Pick<ReviewItem, "context">): string | null {
  const ctx = item.context as { result?: { summary?: unknown }; workerSummary?: unknown } | null;
  const draft = ctx?.result?.summary ?? ctx?.workerSummary;
  return typeof draft === "string" && draft.trim() ? draft : null;
}

/**
 * The staff member's role, read from staff_users inside the decision's transaction
 * and locked there (FOR SHARE), so a role revoked a moment ago, or during the
 * decision, is what counts, never the session's copy.
 */
export async function roleAllows(tx: Tx, staffId: string, allowed: readonly string[]): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ role: string }>>`SELECT role FROM staff_users WHERE id = ${staffId} FOR SHARE`;
  return rows.length === 1 && allowed.includes(rows[0].role);
}

export interface ActingStaff {
  staff: Reviewer;
  /** Roles that may act on review items, checked against the database in the transaction. */
  allowedRoles: readonly string[];
}

/**
 * Claims an item for a reviewer for `minutes` (the settings' claimMinutes): refused
 * while another reviewer's claim is live or once the item is decided. Claiming one's
 * own item again extends the claim.
 */
export async function claimReview(
  deps: ReviewDeps,
  input: ActingStaff & { reviewId: string; minutes: number; expectedVersion?: number },
): Promise<{ ok: true; until: Date; version: number } | { ok: false; error: ReviewRefusal; claimedBy?: string }> {
  const now = (deps.now ?? (() => new Date()))();
  return deps.db.$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return { ok: false as const, error: "forbidden" as const };
    const item = await claimReviewItem(tx, { reviewId: input.reviewId, by: input.staff, minutes: input.minutes, now, expectedVersion: input.expectedVersion });
    if (item) return { ok: true as const, until: item.claimExpiresAt!, version: item.version };
    const why = await claimRefusal(tx, input.reviewId, input.staff.id, now, input.expectedVersion);
    return { ok: false as const, error: why.error === "not_claimed" ? "stale" : why.error, claimedBy: why.error === "claimed_by_other" ? why.by : undefined };
  }, REVIEW_TRANSACTION);
}

/** Gives a claim back: the holder's own, or anyone's for an admin (`asAdmin`). */
export async function releaseReview(
  deps: ReviewDeps,
  input: ActingStaff & { reviewId: string; asAdmin: boolean; reason?: string },
): Promise<{ ok: true } | { ok: false; error: ReviewRefusal }> {
  return deps.db.$transaction(async (tx) => {
    if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return { ok: false as const, error: "forbidden" as const };
    if (await releaseReviewItem(tx, { reviewId: input.reviewId, by: input.staff, asAdmin: input.asAdmin, reason: input.reason })) return { ok: true as const };
    const item = await tx.reviewItem.findUnique({ where: { id: input.reviewId }, select: { status: true, claimedById: true } });
    if (!item) return { ok: false as const, error: "not_found" as const };
    if (item.status !== "pending") return { ok: false as const, error: "already_decided" as const };
    return { ok: false as const, error: item.claimedById ? ("claimed_by_other" as const) : ("not_claimed" as const) };
  }, REVIEW_TRANSACTION);
}

/**
 * Records a reviewer's decision and carries it out, all in one transaction: the
 * reviewer's role read from the database, the compare-and-set on `pending` held by
 * this reviewer's live claim (two reviewers cannot both win, and a stale page loses),
 * the approved action (exactly as stored, idempotency key review:<id>), the
 * customer's follow-up, the review_decided event and the decision's audit entry, and
 * the run's completion once nothing of it waits for a person. Any failure rolls all
 * of it back and the item stays pending.
 */
export async function decideReview(deps: ReviewDeps, input: ReviewDecisionInput & ActingStaff): Promise<ReviewDecisionResult> {
  // The boundaries parse with this schema already; callers inside the process (scripts,
  // tests) get the same rules, a rejection without a note included.
  const { staff: _staff, allowedRoles: _roles, ...fields } = input;
  if (!reviewDecisionSchema.safeParse(fields).success) return { ok: false, error: "invalid_decision" };
  const status = input.decision === "reject" ? "rejected" : "approved";
  const now = (deps.now ?? (() => new Date()))();
  const events: StoredRunEvent[] = [];
  const out = await deps.db.$transaction(
    async (tx): Promise<{ runId: string } | { refusal: ReviewRefusal; claimedBy?: string }> => {
      if (!(await roleAllows(tx, input.staff.id, input.allowedRoles))) return { refusal: "forbidden" };
      const current = await tx.reviewItem.findUnique({ where: { id: input.reviewId }, select: { kind: true, context: true } });
      if (!current) return { refusal: "not_found" };
      // A retry runs a worker, which cannot happen inside this transaction: retryReview does it.
      if (!decisionsFor(current.kind).includes(input.decision) || input.decision === "retry") return { refusal: "invalid_decision" };
      const reply = input.decision === "send_draft" ? draftOf(current) : (input.reply ?? null);
      if (input.decision === "send_draft" && !reply) return { refusal: "invalid_decision" };
      const item = await decideReviewItem(tx, {
        reviewId: input.reviewId, status, by: input.staff, note: input.note || null, now,
        expectedVersion: input.expectedVersion, resolution: input.decision, reply,
      });
      if (!item) {
        const why = await claimRefusal(tx, input.reviewId, input.staff.id, now, input.expectedVersion);
        return { refusal: why.error, claimedBy: why.error === "claimed_by_other" ? why.by : undefined };
      }
      await appendAudit(tx, {
        kind: "review_decision", actor: input.staff.email, runId: item.runId, subject: `review:${item.id}`,
        payload: { decision: input.decision, status, note: item.note, reply, proposedAction: item.proposedAction ?? null, staffId: input.staff.id, version: item.version },
      });
      let outcome: ReviewOutcome = null;
      if (status === "approved") {
        const action = proposedActionSchema.safeParse(item.proposedAction);
        if (action.success) {
          const res = (await applyApprovedAction(
            { db: tx, clock: deps.clock, customerId: item.customerId, runId: item.runId, taskId: item.taskId },
            action.data,
            item.id,
          )) as { status?: string; reason?: string };
          outcome = { applied: res.status === "applied", reason: res.reason, ...(ALREADY_SO.has(res.status ?? "") ? { alreadySo: true } : {}) };
          await recordReviewOutcome(tx, item, outcome);
        }
      }
      events.push(...(await followUp(tx, item, outcome)));
      return { runId: item.runId };
    },
    REVIEW_TRANSACTION,
  );
  if ("refusal" in out) return { ok: false, error: out.refusal, ...(out.claimedBy ? { claimedBy: out.claimedBy } : {}) };
  for (const e of events) deps.bus?.publish(out.runId, e);
  return { ok: true, status };
}

/** Roles that decide reviews by default (the console passes its own table, lib/auth/roles AREA_ROLES.reviews). */
const DECIDER_ROLES = ["reviewer", "admin"] as const;

/**
 * Claims, then decides, as the staff member with this email: for scripts and tests
 * that act as a reviewer would in two steps. The console never uses it: there a
 * reviewer claims first and sees the item before deciding.
 */
export async function claimAndDecide(
  deps: ReviewDeps,
  input: ReviewDecisionInput & { staffEmail: string; allowedRoles?: readonly string[]; claimMinutes?: number },
): Promise<ReviewDecisionResult> {
  const row = await deps.db.staffUser.findUnique({ where: { email: input.staffEmail }, select: { id: true, email: true, name: true } });
  if (!row) return { ok: false, error: "forbidden" };
  const { staffEmail: _email, allowedRoles = DECIDER_ROLES, claimMinutes = 15, ...decision } = input;
  const claim = await claimReview(deps, { reviewId: input.reviewId, staff: row, allowedRoles, minutes: claimMinutes });
  if (!claim.ok) return { ok: false, error: claim.error, ...(claim.claimedBy ? { claimedBy: claim.claimedBy } : {}) };
  return decideReview(deps, { ...decision, staff: row, allowedRoles });
}

/**
 * What an approved action did. `alreadySo`: nothing was applied because it was already
 * the case (the charge credited, the account on that plan, by another run or review
 * meanwhile): the customer is told that, not that it failed.
 */
export type ReviewOutcome = { applied: boolean; reason?: string; alreadySo?: boolean } | null;

/** The approved action's answers that mean "already so" rather than "could not be done". */
const ALREADY_SO = new Set(["already_credited", "already_on_plan"]);

/**
 * The customer's follow-up message and the review_decided event, exactly once per
 * decision (the follow-up compare-and-set owns them), then the run's completion.
 */
export async function followUp(tx: Tx, item: ReviewItem, outcome: ReviewOutcome): Promise<StoredRunEvent[]> {
  if (!(await claimFollowUp(tx, item.id))) return [];
  const run = await getRun(tx, item.runId);
  const decision = item.status as DecidedReviewStatus;
  const now = new Date();
  await tx.message.create({
    data: { conversationId: run.conversationId, role: "assistant", content: item.reply ? reviewerReplyText(item.reply) : followUpText(item.kind, decision, item.proposedAction, outcome), runId: run.id },
  });
  const events = [
    await appendEvent(tx, run.id, { type: "review_decided", reviewId: item.id, kind: item.kind, decision, by: item.decidedBy ?? "", note: item.note }, now),
  ];
  if (await completeRunIfSettled(tx, run.id, item.decidedBy ?? "reviewer")) {
    events.push(await appendEvent(tx, run.id, {
      type: "run_finished", status: "completed", reply: run.reply ?? "", tokensIn: run.tokensIn, tokensOut: run.tokensOut, latencyMs: run.latencyMs ?? 0,
    }, now));
  }
  return events;
}

/** A reviewer's own answer (sent, edited or written), as the customer's follow-up. */
function reviewerReplyText(reply: string): string {
  return `Update from our team: ${reply}`;
}

/** What the customer is told after a human decided. Internal notes are never shown. */
function followUpText(kind: ReviewKind, status: string, proposed: unknown, outcome: ReviewOutcome): string {
  const action = proposedActionSchema.safeParse(proposed);
  const approved = status === "approved";
  if (action.success && action.data.type === "credit") {
    const amt = formatCents(action.data.amountCents);
    if (!approved) return `Update on your request: a billing specialist reviewed the ${amt} credit on invoice ${action.data.invoiceId} and did not approve it. Reply here if you'd like to know more.`;
    if (outcome?.alreadySo) return `Update on your request: a billing specialist approved the ${amt} credit on invoice ${action.data.invoiceId}, but that charge had already been credited to your account in the meantime, so nothing more needed to be done.`;
    return outcome?.applied === false
      ? `Update on your request: the ${amt} credit on invoice ${action.data.invoiceId} was approved but could not be applied (${outcome.reason ?? "it no longer applies"}). A specialist will contact you.`
      : `Update on your request: a billing specialist approved the ${amt} credit on invoice ${action.data.invoiceId}, and it has been applied to your account.`;
  }
  if (action.success && action.data.type === "plan_change") {
    const fee = action.data.feeCents ? ` The early-termination fee of ${formatCents(action.data.feeCents)} applies.` : "";
    if (!approved) return "Update on your request: the plan change you asked for was reviewed and not approved, so your plan stays as it is. Reply here if you'd like to talk about other options.";
    if (outcome?.alreadySo) return "Update on your request: your plan change was approved, but your account was already on that plan by then, so nothing more needed to change.";
    return outcome?.applied === false
      ? `Update on your request: your plan change was approved but could not be carried out (${outcome.reason ?? "the account is not eligible"}). A specialist will contact you.`
      : `Update on your request: your plan change was approved and is now active.${fee}`;
  }
  if (kind === "low_confidence") {
    return approved
      ? "Update: a specialist reviewed our earlier answer and confirmed it."
      : "Update: a specialist reviewed our earlier answer and will contact you with a corrected one.";
  }
  return "Update: a member of our team has picked up the part of your request we couldn't complete earlier and will contact you.";
}
