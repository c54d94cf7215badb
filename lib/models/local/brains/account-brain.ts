import { formatCents } from "../../../money";
import type { WorkerResult } from "../../../contracts";
import type { Brain } from "../local-model";
import { analyseRequest, classifyIntents, namesAnotherBusiness, namesAPlan, parseNamedPlans, parsePlanTarget, type RequestAnalysis } from "../nlu";
import { allOf, call, calls, combineConfidence, finish, latest, OWN_ACCOUNT_ONLY, refuseOutOfScope, spokenTime, withheld } from "./common";

interface PlanInfo { id: string; name: string; downMbps: number; upMbps?: number; monthlyCents: number }

function resolveTarget(text: string, plans: PlanInfo[], current: PlanInfo | undefined): PlanInfo | undefined {
  const t = parsePlanTarget(text, plans);
  // "downgrade, 300 is more than I need" on Fiber 300: the named plan is where the
  // customer is, the direction says where to go.
  const named = t.planId && !(t.direction && current && t.planId === current.id) ? t.planId : undefined;
  if (named) return plans.find((p) => p.id === named);
  const bySpeed = [...plans].sort((a, b) => a.downMbps - b.downMbps);
  if (t.superlative === "cheapest") return [...plans].sort((a, b) => a.monthlyCents - b.monthlyCents)[0];
  if (t.superlative === "fastest") return bySpeed.at(-1);
  if (!current) return undefined;
  const i = bySpeed.findIndex((p) => p.id === current.id);
  if (t.direction === "up") return bySpeed[i + 1];
  if (t.direction === "down") return i > 0 ? bySpeed[i - 1] : undefined;
  return undefined;
}

/** A message that names a plan, a direction or a rank of plans ("Fiber 500?", "a faster plan", "the premium one") without asking for a change. */
function asksAboutPlans(text: string, plans: PlanInfo[]): boolean {
  const t = parsePlanTarget(text, plans);
  return Boolean(t.planId || t.direction || t.superlative);
}

/** "can I go down to basic without paying anything?", "would there be a fee if I switch": a question about the cost of a change, answered with a quote, not made. */
function asksWhatItCosts(text: string): boolean {
  return /\bwithout (?:paying|a fee|any fee|a penalty|any penalty|a charge|being charged)\b|\b(?:is|would|will) there (?:be )?(?:a|any) (?:fee|charge|penalty|cost)\b|\bhow much\b|\bwhat (?:would|will|does) it cost\b/i.test(text);
}

/**
 * The plans a question about plans is about: each of the ones it names when it names
 * several ("fiber 500 vs the gig"), the one it names (unless it names it against the
 * direction it asks: "downgrade, 300 is too much" on Fiber 300), the plans in the
 * direction it asks, all of them for "what plans do you have", else the cheaper ones
 * ("what would switching cost me").
 */
function plansAskedAbout(text: string, t: ReturnType<typeof parsePlanTarget>, req: RequestAnalysis, plans: PlanInfo[], current: PlanInfo): PlanInfo[] {
  const others = plans.filter((x) => x.id !== current.id);
  // A comparison names every plan it is about ("fiber 500 vs the gig", "the 500 against
  // the 300 I have"); the customer's own plan among them is already told apart.
  const namedOthers = parseNamedPlans(text, plans).filter((id) => id !== current.id);
  if (namedOthers.length > 1 || (namedOthers.length === 1 && t.planId === current.id)) return namedOthers.map((id) => plans.find((x) => x.id === id)!);
  const named = t.planId ? plans.find((x) => x.id === t.planId) : undefined;
  const against = named && t.direction && !t.superlative && Math.sign(named.downMbps - current.downMbps) !== (t.direction === "up" ? 1 : -1);
  if (named && named.id !== current.id && !against) return [named];
  if (t.direction === "up") return others.filter((x) => x.downMbps > current.downMbps);
  if (t.direction === "down") return others.filter((x) => x.monthlyCents < current.monthlyCents);
  if (req.asksOptions && !req.asksQuote) return others;
  return named?.id === current.id ? [] : others.filter((x) => x.monthlyCents < current.monthlyCents);
}

/** The account worker's decisions: profile, catalogue, quote, and a change only when asked. */
export const accountBrain: Brain = (input) => {
  const text = input.userText;
  const scope = classifyIntents(text).scores.account;
  const req = analyseRequest(text);
  const accountAsk = req.wantsPlanChange || req.asksOptions || req.asksQuote || req.asksContractEnd;
  if (scope < 0.15 && !accountAsk) return refuseOutOfScope("account", "plans, contracts and plan changes");

  const profile = latest(input.results, "get_profile");
  const catalogue = latest(input.results, "list_plans");
  if (!profile && !catalogue) return calls(["get_profile"], ["list_plans"]);
  if (!profile) return call("get_profile");
  if (!catalogue) return call("list_plans");

  const p = profile.value ?? {};
  const plans: PlanInfo[] = catalogue.value?.plans ?? [];
  const current = plans.find((x) => x.id === (p.plan?.id ?? p.planId));
  const result: WorkerResult = { status: "done", summary: "", facts: [], actions: [], confidence: 0 };
  const sentences: string[] = [];
  let certainty = 0.9;
  if (current) result.facts.push(`Current plan ${current.name} (${formatCents(current.monthlyCents)}/month)`);
  result.facts.push(`Contract ends ${p.contractEndsOn}`);

  const quotes = allOf(input.results, "quote_plan_change");
  const quoted = (id: string) => quotes.find((q) => (q.value?.toPlan?.id ?? q.value?.toPlanId) === id);

  // A plan of another business ("switch my insurance to a cheaper plan") is not ours to change.
  if (req.wantsPlanChange && withheld(input, "change_plan")) {
    // The message is about someone else's account: their plan is not ours to touch from here.
    sentences.push(OWN_ACCOUNT_ONLY);
    result.status = "refused";
    result.actions.push({ type: "plan_change", status: "refused", description: "Request concerned another account" });
  } else if (req.wantsPlanChange && !namesAnotherBusiness(text) && !asksWhatItCosts(text)) {
    const target = resolveTarget(text, plans, current);
    if (!target) {
      sentences.push(`I couldn't tell which plan you'd like. ${current ? `You're on ${current.name}. ` : ""}Our plans are ${plans.map((x) => `${x.name} (${formatCents(x.monthlyCents)}/month)`).join(", ")}.`);
      result.status = "nothing_found";
      certainty = 0.55;
    } else if (current && target.id === current.id) {
      sentences.push(`You're already on ${current.name}.`);
    } else {
      if (!quoted(target.id)) return call("quote_plan_change", { toPlanId: target.id });
      const change = latest(input.results, "change_plan");
      if (!change) return call("change_plan", { toPlanId: target.id });
      const v = change.value ?? {};
      if (v.status === "applied") {
        // "the premium plan", "your best one": no plan has that name, so say which one it became.
        const t = parsePlanTarget(text, plans);
        const byRank = t.superlative && !namesAPlan(text);
        const which = byRank ? `Our ${t.superlative === "fastest" ? "fastest" : "cheapest"} plan is ${target.name}, so that's the one I've moved you to. ` : "";
        sentences.push(`${which}Done: your plan is now ${target.name} at ${formatCents(target.monthlyCents)}/month${v.feeCents ? `, with an early-termination fee of ${formatCents(v.feeCents)}` : ""}.`);
        result.actions.push({ type: "plan_change", status: "applied", description: `Plan changed to ${target.id}` });
      } else if (v.status === "needs_approval") {
        const fee = v.proposedAction?.feeCents ?? quoted(target.id)?.value?.feeCents ?? 0;
        sentences.push(`Moving to ${target.name} before your contract ends on ${p.contractEndsOn} carries an early-termination fee of ${formatCents(fee)}, so the change needs a specialist's approval. I've sent it for review and your plan stays as it is until then.`);
        result.actions.push({ type: "plan_change", status: "proposed", description: `Change to ${target.id} with fee ${formatCents(fee)} awaiting approval` });
        result.status = "needs_review";
      } else if (v.status === "already_pending") {
        // The same change already waits for a reviewer (asked for earlier): not proposed again.
        sentences.push(`Your change to ${target.name} has been with a specialist for approval since ${spokenTime(v.pendingSince)}, so I haven't sent it again; your plan stays as it is until they decide.`);
      } else if (v.status === "already_on_plan") {
        // On that plan before this call (an earlier request, or another conversation of
        // this customer's that got there first): nothing to change, and not this run's change.
        sentences.push(`You're already on ${target.name} at ${formatCents(target.monthlyCents)}/month, so there was nothing to change.`);
      } else if (change.isError || v.error) {
        // The tool failed: the account was not judged ineligible, and nothing changed.
        sentences.push(`I couldn't change your plan to ${target.name} just now because of a problem on our side, so your plan stays as it is. I've passed it to our team to follow up.`);
        result.actions.push({ type: "plan_change", status: "failed", description: `Plan change could not be made: ${v.error ?? "error"}` });
        result.status = "needs_review";
        certainty = 0.3;
      } else {
        sentences.push(`I can't change your plan right now: ${String(v.reason ?? "the account is not eligible").replace(/\.$/, "")}.`);
        result.actions.push({ type: "plan_change", status: "refused", description: v.reason ?? "refused" });
        result.status = "refused";
      }
    }
  } else if (current && !namesAnotherBusiness(text) && (req.asksQuote || req.asksOptions || asksAboutPlans(text, plans) || (req.wantsPlanChange && asksWhatItCosts(text)))) {
    // A question about plans and prices: the plan it names, the plans in the direction it
    // asks ("a faster plan", "anything cheaper"), or, for "what plans do you have", all of
    // them; each quoted (price, speed, and the fee a switch would carry), nothing changed.
    const t = parsePlanTarget(text, plans);
    const named = t.planId ? plans.find((x) => x.id === t.planId) : undefined;
    const candidates = plansAskedAbout(text, t, req, plans, current);
    const missing = candidates.filter((x) => !quoted(x.id));
    if (missing.length) return calls(...missing.map((x) => ["quote_plan_change", { toPlanId: x.id }] as [string, Record<string, unknown>]));
    if (named?.id === current.id) sentences.push(`You're on ${current.name} already, at ${formatCents(current.monthlyCents)} a month.`);
    else if (!candidates.length) sentences.push(t.direction === "up" ? `You're already on our fastest plan, ${current.name}.` : `There's no cheaper plan than ${current.name}.`);
    else sentences.push(`You're on ${current.name} at ${formatCents(current.monthlyCents)} a month.`);
    for (const c of candidates) {
      const q = quoted(c.id)?.value ?? {};
      const fee = q.feeCents ? `switching would carry an early-termination fee of ${formatCents(q.feeCents)} (${q.remainingMonths} months left on your contract)` : "switching would have no fee";
      sentences.push(`${c.name} is ${formatCents(c.monthlyCents)} a month for ${c.downMbps >= 1000 ? `${c.downMbps / 1000} Gbps` : `${c.downMbps} Mbps`}; ${fee}${q.decision === "needs_approval" ? " and would need a specialist's approval" : q.decision === "refused" ? `, but I can't make that change right now: ${String(q.reason ?? "the account is not eligible").replace(/\.$/, "")}` : ""}.`);
    }
    if (candidates.length === 1) sentences.push(`Nothing has been changed; just say if you'd like to switch to ${candidates[0].name}.`);
    else if (candidates.length > 1) sentences.push("Nothing has been changed; just tell me which one you'd like.");
  }
  if (result.status !== "refused" && (req.asksContractEnd || (!req.wantsPlanChange && !req.asksQuote && !req.asksOptions && !asksAboutPlans(text, plans)))) {
    sentences.push(`Your contract runs until ${p.contractEndsOn}${current ? ` on ${current.name}` : ""}.`);
    if (!req.asksContractEnd) {
      // e.g. "thinking about cancelling": inform, change nothing, and let a person follow up.
      sentences.push("I haven't changed anything on your account.");
      certainty = 0.55;
    }
  }
  result.summary = sentences.join(" ");
  result.confidence = combineConfidence(Math.max(scope, accountAsk ? 0.8 : 0.4), certainty);
  return finish(result);
};
