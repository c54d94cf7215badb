import type { Brain } from "../local-model";
import { DECLINE_REPLY, smallTalkReply, STATE_MARKER, type ConversationState, type PendingAction } from "../../../contracts";
import { formatCents } from "../../../money";
import { judgeDomain, namesAPlan } from "../nlu";
import { spokenTime } from "./common";
import { followUpAct, isBareQuestion, pickOffer, pickPlan, pointsBack, withdrawnPending } from "../nlu/follow-up";
import { asksForPerson, inDistress, praisesOnly, sameAsk, saysRepeated } from "../nlu/handoff";

type PlanOut = { kind: string; tasks: Array<{ worker: string; instruction: string }>; reply?: string; withdraw?: string[] };

/**
 * The planning call: first the domain decision (nlu/domain.ts), then, for a
 * message about the company's business, at most one sub-task per worker with only
 * that worker's part of the message. A request that belongs to another business
 * is declined however many business words it shares ("my card was charged twice
 * at the restaurant"); small talk gets a short reply. A message that follows an
 * earlier turn is first read against the conversation's state (in the system
 * prompt): see `followUp`. Output is the planner JSON the orchestrator validates.
 */
export const supervisorBrain: Brain = (input) => {
  const text = input.userText;
  const state = readState(input.system);
  const plan = needsPerson(text, state) ?? (state && followUp(text, state)) ?? planOnItsOwn(text);
  return { kind: "text", text: JSON.stringify(plan) };
};

const PRAISE_REPLY = "Thank you, that's kind of you to say. I'll pass it on to the team. Is there anything else I can help with?";

function planOnItsOwn(text: string): PlanOut {
  const domain = judgeDomain(text);
  // Praise that names our things ("the technician was so kind") is thanks, not a request.
  if (domain.verdict === "in_domain" && praisesOnly(text)) return { kind: "small_talk", tasks: [], reply: PRAISE_REPLY };
  // Any business part is delegated, even when wrapped in chit-chat or next to an out-of-scope part.
  if (domain.verdict === "in_domain") return { kind: "delegate", tasks: domain.subtasks.map((s) => ({ worker: s.worker, instruction: s.text })) };
  if (domain.verdict === "small_talk") return { kind: "small_talk", tasks: [], reply: smallTalkReply(text) };
  return { kind: "out_of_scope", tasks: [], reply: DECLINE_REPLY };
}

const handoff = (why: string): PlanOut => ({ kind: "handoff", tasks: [], reply: why });
const workersOf = (text: string) => judgeDomain(text).subtasks.map((s) => s.worker).sort().join();

/**
 * A person instead of another answer (nlu/handoff.ts): the customer asks for one, writes
 * in distress about the help itself, asks the same thing a third time, or asks again
 * right after a part of their request failed. The reply says why, for the desk.
 */
function needsPerson(text: string, state: ConversationState | null): PlanOut | null {
  if (asksForPerson(text)) return handoff("The customer asked to talk to a person.");
  if (inDistress(text)) return handoff("The customer wrote in distress about the help they are getting.");
  if (saysRepeated(text)) return handoff(`The customer says they have asked before ("${text.trim().slice(0, 120)}"); the answers so far did not resolve it.`);
  if (!state) return null;
  const workers = workersOf(text);
  if (!workers) return null;
  // "again" or "still" says it is the same ask, whatever the words ("I'm asking AGAIN. switch it back on").
  const insists = /\b(again|still)\b/i.test(text);
  const repeats = (state.earlier ?? []).filter((m) => workersOf(m) === workers && (insists || sameAsk(m, text)));
  if (repeats.length >= 2) return handoff(`The customer asked the same thing a third time ("${text.trim().slice(0, 120)}"); the answers so far did not resolve it.`);
  if (state.previous?.failed && state.previous.tasks.some((t) => workers.split(",").includes(t.worker))) {
    return handoff("The customer asked again after a part of their request failed.");
  }
  return null;
}

/** The state the orchestrator wrote after STATE_MARKER, or null (a first message, or a prompt without it). */
function readState(system: string): ConversationState | null {
  const line = system.split("\n").find((l) => l.startsWith(STATE_MARKER));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(STATE_MARKER.length)) as ConversationState;
  } catch {
    return null;
  }
}

function describePending(p: PendingAction, planName: (id: string) => string): string {
  const what = p.type === "credit" ? `Your ${p.amountCents ? `${formatCents(p.amountCents)} ` : ""}credit` : `Your change to ${planName(p.toPlanId ?? "")}`;
  return `${what} has been with a specialist for approval since ${spokenTime(p.since)}.`;
}

const say = (reply: string): PlanOut => ({ kind: "small_talk", tasks: [], reply });
/** What waits for a specialist, and that the answer comes here: the reply to a status question or to asking again. */
const waitingReply = (pending: PendingAction[], planName: (id: string) => string, closing = "You'll see their answer here as soon as they decide.") =>
  say(`${pending.map((p) => describePending(p, planName)).join(" ")} ${closing}`);
const changeTo = (name: string): PlanOut => ({ kind: "delegate", tasks: [{ worker: "account", instruction: `Please change my plan to ${name}.` }] });

/**
 * A message read against what the conversation holds, or null to plan it on its own:
 * - a retraction changes nothing and says so (and what already stands);
 * - "any news?" while something waits for review answers from the review's state;
 * - a confirmation takes up the offer it names (the only one, or the listed plan its
 *   words pick), unless that very change already waits for review; with two or more
 *   and no way to tell, it asks which, with prices;
 * - a bare question about the last answer goes to the worker(s) that gave it, with
 *   what they were asked, so the instruction stands on its own.
 * A message with business of its own (a new request) is planned on its own.
 */
function followUp(text: string, read: ConversationState): PlanOut | null {
  // An offer the customer declined since ("how much is the gig?" … "never mind" … "ok")
  // is no longer on the table.
  const declined = (read.since ?? []).some((m) => followUpAct(m) === "retract");
  const state = declined ? { ...read, offers: [] } : read;
  const act = followUpAct(text, { waiting: state.pending.length > 0 });
  const domain = judgeDomain(text);
  const names = new Map<string, string>([
    ...state.plansListed.map((p) => [p.id, p.name] as const),
    ...state.offers.map((o) => [o.toPlanId, o.toPlanName] as const),
  ]);
  const planName = (id: string) => names.get(id) ?? "the new plan";
  const pendingPlan = (id: string) => state.pending.find((p) => p.type === "plan_change" && p.toPlanId === id);
  const take = (p: { id: string; name: string }): PlanOut => {
    const waiting = pendingPlan(p.id);
    return waiting ? waitingReply([waiting], planName) : changeTo(p.name);
  };
  const current = state.plansListed.find((p) => p.current);
  const offered = state.offers.map((o) => ({ id: o.toPlanId, name: o.toPlanName, monthlyCents: o.monthlyCents, downMbps: o.downMbps }));
  const listed = state.plansListed.filter((p) => !p.current);
  const ask = (choices: Array<{ name: string; monthlyCents: number }>) => {
    const list = choices.map((c) => `${c.name} (${formatCents(c.monthlyCents)} a month)`);
    return say(`Happy to. Which plan would you like: ${list.slice(0, -1).join(", ")} or ${list.at(-1)}?`);
  };

  if (act === "retract" && (state.offers.length || state.done.length || state.pending.length || state.previous?.tasks.length)) {
    // What the customer takes back while it waits for a specialist is withdrawn; the
    // orchestrator writes the reply from what the withdrawal did.
    const takenBack = withdrawnPending(text, state.pending);
    if (takenBack.length) return { kind: "small_talk", tasks: [], withdraw: takenBack.map((p) => p.id), reply: "Understood: I'll withdraw that request." };
    // Nothing is changed, and the reply says what already stands: a change the last turn
    // made, or an action that still waits for a specialist.
    const made = state.done.map((d) =>
      d.type === "plan_change"
        ? `Your plan was already changed to ${planName(d.toPlanId)} when you asked, so that change stands; if you'd like to go back to ${planName(d.fromPlanId)}, just say so and I'll check what it would cost.`
        : `The ${formatCents(d.amountCents)} credit was already applied to your account when you asked, so it stands.`,
    );
    const waiting = state.pending.map((p) => describePending(p, planName));
    const first = made.length ? "Understood, I won't change anything else." : "No problem, I haven't changed anything.";
    const withdraw = waiting.length ? " If you'd rather withdraw it, just tell me to withdraw it." : "";
    return say([first, ...made, ...waiting].join(" ") + withdraw + " Is there anything else I can help with?");
  }
  if (act === "status" && state.pending.length) {
    return waitingReply(state.pending, planName, "You'll see their answer here as soon as they decide; there's nothing more you need to do.");
  }
  // A pick among what was offered ("ok do it", "the cheaper of the two") or in the
  // catalogue by name or rank ("the fastest one please", "upgrade me"), in a message about
  // nothing but the plan: "my line is slower than it should be" or a question about the
  // bill is planned on its own.
  // A short pick ("the cheapest one") right after a turn about plans is a pick, whatever
  // the classifier makes of its few words.
  const afterPlans = Boolean(state.offers.length || state.previous?.tasks.some((t) => t.worker === "account"));
  const shortPick = afterPlans && text.trim().split(/\s+/).length <= 6 && Boolean(pickPlan(text, state.offers.length ? offered : listed));
  const aboutThePlanOnly = shortPick || domain.verdict !== "in_domain" || domain.subtasks.every((t) => t.worker === "account");
  if ((act === "confirm" || act === null) && aboutThePlanOnly) {
    // The only offer is taken by a confirmation; a message that does not confirm must name
    // it, and then it is picked among the offers rather than the whole catalogue.
    const offer = act === "confirm" ? pickOffer(text, state.offers) : null;
    if (offer && offer !== "ambiguous") return take({ id: offer.toPlanId, name: offer.toPlanName });
    const pool = offer === "ambiguous" || (state.offers.length && pickPlan(text, offered)) ? offered : listed;
    const picked = pickPlan(text, pool);
    if (picked && picked !== "ambiguous") return take(picked);
    // "please just downgrade me now" while a change of plan waits for a specialist: that
    // change is the one asked for, and it is already with them.
    const waitingChange = state.pending.filter((p) => p.type === "plan_change");
    if (waitingChange.length && !namesAPlan(text) && /\b(upgrade|downgrade|change|switch|move|process|plan)\b/i.test(text)) return waitingReply(waitingChange, planName);
    // "upgrade me" / "the faster one" with no plan named: the offered (else catalogue) plans in that direction.
    const direction = /\b(upgrade|faster|quicker|more speed)\b/i.test(text) ? 1 : /\b(downgrade|slower|cheaper|lower)\b/i.test(text) ? -1 : 0;
    if (direction && current && pool.length && !namesAPlan(text)) {
      const way = pool.filter((p) => Math.sign(p.downMbps - current.downMbps) === direction);
      if (way.length === 1) return take(way[0]);
      if (way.length > 1) return ask(way);
    }
    if (act === "confirm" && domain.verdict !== "in_domain") {
      if (offer === "ambiguous") return ask(offered);
      // "ok do it" when the last turn's action already waits for a specialist.
      if (state.pending.length && !state.offers.length) {
        return waitingReply(state.pending, planName);
      }
    }
    return null;
  }
  // A question with no subject of its own ("and when is it going to be fixed?") is about
  // the last answer, whatever a classifier guesses from its few words; so is one that
  // points back at it ("what's causing it?", "can't they come today instead?", "and the
  // ETA again?") and names nothing of ours or of another business.
  if (act === "ask" && state.previous?.tasks.length && (isBareQuestion(text) || pointsBack(text))) {
    return { kind: "delegate", tasks: state.previous.tasks.map((t) => ({ worker: t.worker, instruction: `${t.instruction.replace(/[\s.?!]*$/, ".")} ${text.trim()}` })) };
  }
  return null;
}
