/**
 * The domain decision: is a message about the company's business (its bill, its
 * internet service, its plans and the customer's account with it), small talk, or
 * a request that belongs to some other business ("my card was charged twice at
 * the restaurant", "where is my parcel")?
 *
 * It rests on the intent classifier's calibrated one-vs-rest scores and its domain
 * gate (classifier.ts, `decideLabels`): a business label counts only when the
 * out-of-scope probability is below both 0.5 and that label's own probability.
 * The clause splitter then keeps the business parts of a mixed message and leaves
 * out the parts that are out of scope on their own. A message is in-domain when at
 * least one business part is left.
 *
 * The supervisor's planning call (local model) declines on "out_of_domain"; the
 * fast path (intent-classifier.ts) is taken only when the message is "in_domain"
 * with an out-of-scope probability near zero and one part.
 */
import { isWorkerLabel, type IntentClassification, type WorkerLabel } from "./classifier";
import { planSubtasks, type Subtask } from "./clauses";
import { belongsElsewhere } from "./elsewhere";
import { ANALYSES_KEPT, memoByText } from "./memo";


export type DomainVerdict = "in_domain" | "small_talk" | "out_of_domain";

export interface DomainJudgement {
  verdict: DomainVerdict;
  /** Calibrated probability that the whole message is out of scope. */
  outOfScope: number;
  /** Business labels of the whole message, after the domain gate. */
  workers: WorkerLabel[];
  /** One entry per worker with its part of the message (empty unless in-domain). */
  subtasks: Subtask[];
  /** Clauses left out because they are out of scope on their own. */
  outOfScopeParts: string[];
  message: IntentClassification;
}

/** The domain decision for a message (the fast path and the planning call both ask it). */
export const judgeDomain: (text: string) => DomainJudgement = memoByText(ANALYSES_KEPT, judge);

function judge(text: string): DomainJudgement {
  const plan = planSubtasks(text);
  const message = plan.message;
  const base = {
    outOfScope: message.scores.out_of_scope,
    workers: message.labels.filter(isWorkerLabel),
    outOfScopeParts: plan.outOfScopeParts,
    message,
  };
  // The customer's own money elsewhere, or a request to the assistant about itself, in
  // words our bill shares ("what's my apr", "when do I get paid"): declined whatever the
  // classifier makes of "rate" or "paid" (elsewhere.ts).
  if (belongsElsewhere(text)) return { ...base, verdict: "out_of_domain", subtasks: [], outOfScopeParts: [text] };
  if (plan.subtasks.length > 0) return { ...base, verdict: "in_domain", subtasks: plan.subtasks };
  return { ...base, verdict: message.top.label === "small_talk" ? "small_talk" : "out_of_domain", subtasks: [] };
}
