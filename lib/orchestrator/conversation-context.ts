import type { Db } from "../db/client";
import { planSchema, STATE_MARKER, type ConversationState, type DoneAction, type ListedPlan, type PendingAction, type PlanOffer } from "../contracts";

// What the supervisor knows of a conversation before planning a new message: the last
// exchange (cut short) and a structured state read from the stored runs, so a follow-up
// ("ok do it", "the faster one", "so when will it be fixed?", "never mind", "any news on
// my refund?") can be planned into self-contained sub-tasks, or answered from the state.
// Only the planning call sees it; a worker gets its resolved instruction and nothing of
// the conversation, so its input does not grow with the conversation's length.

/** The last exchange before a message, cut short, and the conversation's state. */
export type ConversationContext = { customer: string | null; reply: string | null; state: ConversationState };

const MAX_CHARS = 400;

function cut(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_CHARS ? `${flat.slice(0, MAX_CHARS - 1)}…` : flat;
}

type Row = { tool: string; args: unknown; result: unknown };
type Quote = { toPlan?: { id: string; name: string; monthlyCents: number; downMbps: number }; feeCents?: number; decision?: PlanOffer["decision"] };

/** What the last turn's tool calls quoted, listed and found; a quote whose change was made (or sent for review) in that turn is not an offer. */
function stateFromCalls(calls: Row[]): Pick<ConversationState, "offers" | "plansListed" | "outage" | "done"> {
  const changed = new Set(
    calls.filter((c) => c.tool === "change_plan").map((c) => String((c.args as { toPlanId?: unknown })?.toPlanId ?? "")),
  );
  const offers = new Map<string, PlanOffer>();
  let plansListed: ListedPlan[] = [];
  let outage: ConversationState["outage"] = null;
  const done: DoneAction[] = [];
  for (const c of calls) {
    const r = c.result as { status?: string; fromPlanId?: string; toPlanId?: string; amountCents?: number } | null;
    if (c.tool === "change_plan" && r?.status === "applied" && r.fromPlanId && r.toPlanId) done.push({ type: "plan_change", fromPlanId: r.fromPlanId, toPlanId: r.toPlanId });
    if (c.tool === "issue_credit" && r?.status === "applied" && r.amountCents) done.push({ type: "credit", amountCents: r.amountCents });
    if (c.tool === "quote_plan_change") {
      const q = c.result as Quote | null;
      if (!q?.toPlan || changed.has(q.toPlan.id) || q.decision === undefined) continue;
      offers.set(q.toPlan.id, {
        toPlanId: q.toPlan.id, toPlanName: q.toPlan.name, monthlyCents: q.toPlan.monthlyCents, downMbps: q.toPlan.downMbps,
        feeCents: q.feeCents ?? 0, decision: q.decision,
      });
    } else if (c.tool === "list_plans") {
      const r = c.result as { plans?: ListedPlan[] } | null;
      plansListed = (r?.plans ?? []).map((p) => ({ id: p.id, name: p.name, monthlyCents: p.monthlyCents, downMbps: p.downMbps, current: Boolean(p.current) }));
    } else if (c.tool === "check_outage") {
      const o = (c.result as { outage?: { id: string; summary: string; etaAt: string | null } | null } | null)?.outage;
      if (o) outage = { id: o.id, summary: o.summary, etaAt: o.etaAt };
    }
  }
  return { offers: [...offers.values()], plansListed, outage, done };
}

/**
 * The customer's previous message and the latest assistant message (a reply or a
 * follow-up) before this run, truncated, and the conversation's state; null for the
 * first message of a conversation with nothing waiting for review.
 */
export async function loadConversationContext(
  db: Db,
  run: { id: string; conversationId: string; customerId: string; createdAt: Date },
): Promise<ConversationContext | null> {
  const [earlier, recentRuns, reviews] = await Promise.all([
    db.message.findMany({
      where: { conversationId: run.conversationId, createdAt: { lte: run.createdAt }, NOT: { runId: run.id } },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { role: true, content: true },
    }),
    db.run.findMany({
      where: { conversationId: run.conversationId, createdAt: { lt: run.createdAt }, NOT: { id: run.id } },
      orderBy: { createdAt: "desc" },
      take: 5,
      select: { id: true, input: true, plan: true, createdAt: true, status: true },
    }),
    db.reviewItem.findMany({
      where: { customerId: run.customerId, status: "pending", runId: { not: run.id } },
      orderBy: { createdAt: "asc" },
      select: { id: true, runId: true, proposedAction: true, createdAt: true },
    }),
  ]);
  // The latest turn that did business (else the last turn): what a follow-up refers to
  // and what "never mind" takes back, even after a "thanks", an "any news?" or a
  // "brb, checking with my husband" in between.
  const business = recentRuns.find((r) => planSchema.safeParse(r.plan).data?.kind === "delegate") ?? null;
  const previousRun = business ?? recentRuns[0] ?? null;
  const lastBusiness = business?.id;
  const since = previousRun ? recentRuns.filter((r) => r.createdAt > previousRun.createdAt).reverse().map((r) => cut(r.input).slice(0, 200)) : [];
  const pending: PendingAction[] = reviews.flatMap((r): PendingAction[] => {
    const a = r.proposedAction as { type?: string; amountCents?: number; toPlanId?: string } | null;
    const of = { id: r.id, lastTurn: r.runId === lastBusiness, since: r.createdAt.toISOString() };
    if (a?.type === "credit") return [{ ...of, type: "credit", amountCents: a.amountCents }];
    if (a?.type === "plan_change") return [{ ...of, type: "plan_change", toPlanId: a.toPlanId }];
    return [];
  });
  const calls = previousRun ? await db.toolCall.findMany({ where: { runId: previousRun.id, isError: false }, orderBy: { createdAt: "asc" }, select: { tool: true, args: true, result: true } }) : [];
  const plan = previousRun?.plan ? planSchema.safeParse(previousRun.plan) : null;
  // A part of that turn failed for good (a worker's or the run's failure waits for a person): an ask again goes to a person.
  const failed = previousRun ? previousRun.status === "failed" || (await db.reviewItem.count({ where: { runId: previousRun.id, kind: "worker_failure" } })) > 0 : false;
  const previous = previousRun
    ? { message: cut(previousRun.input), kind: plan?.success ? plan.data.kind : "unknown", tasks: plan?.success ? plan.data.tasks.map((t) => ({ worker: t.worker, instruction: cut(t.instruction) })) : [], ...(failed ? { failed } : {}) }
    : null;
  const asked = recentRuns.slice(0, 4).reverse().map((r) => cut(r.input).slice(0, 200));
  const customer = earlier.find((m) => m.role === "user")?.content ?? null;
  const reply = earlier.find((m) => m.role === "assistant")?.content ?? null;
  if (!previous && customer === null && reply === null && pending.length === 0) return null;
  return {
    customer: customer && cut(customer),
    reply: reply && cut(reply),
    state: { previous, since, earlier: asked, ...stateFromCalls(calls), pending },
  };
}

/** The context as the lines added to the supervisor's system prompt. */
export function contextPrompt(context: ConversationContext): string {
  const lines = [
    "Earlier in this conversation (for context only: plan only the customer's new message):",
    ...(context.customer ? [`Customer: ${context.customer}`] : []),
    ...(context.reply ? [`Team: ${context.reply}`] : []),
    `${STATE_MARKER} ${JSON.stringify(context.state)}`,
    "Resolve a follow-up against this state into self-contained instructions: a confirmation (\"ok do it\", \"yes please\") becomes the offered action, named in full; a reference (\"the faster one\", \"that roaming thing\") becomes the thing it names; a question about an earlier answer goes to the worker that gave it, with what it asked about. A retraction (\"never mind\") changes nothing: answer with kind \"small_talk\" and say nothing was changed. An action in `pending` already waits for a specialist: never delegate it again; answer from `pending` (what, since when). When the customer takes back an action in `pending` (one marked lastTurn, or one they name: \"cancel my refund request\"), answer with kind \"small_talk\" and list its id in `withdraw`; never withdraw what they did not take back. Kind \"handoff\" (no tasks; `reply` says why, for the person who takes over) when the customer asks for a person in any wording, writes in distress about the help itself, asks the same thing a third time (`earlier`), or asks again after a part failed (`previous.failed`); never for a question about the assistant (\"are you a real person?\"). The state describes the last business turn; `since` is what the customer said after it: an offer they declined there is off the table, and a thank-you agrees to nothing.",
  ];
  return lines.join("\n");
}
