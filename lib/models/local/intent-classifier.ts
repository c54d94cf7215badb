import type { IntentClassifier } from "../../contracts";
import { analyseRequest, judgeDomain, type WorkerLabel } from "./nlu";
import { asksForPerson, inDistress, praisesOnly, saysRepeated } from "./nlu/handoff";

export interface DomainGate {
  /**
   * Highest calibrated out-of-scope probability at which a message still counts as
   * clearly in-domain. The fast path skips the supervisor's scope check, so it is
   * kept to messages the classifier is sure belong to the company's business.
   */
  maxOutOfScope: number;
}

/** See docs/ARCHITECTURE.md, "Out-of-domain requests", for the numbers behind 0.1. */
const DEFAULT_DOMAIN_GATE: DomainGate = { maxOutOfScope: 0.1 };

export type AbstainReason = "not_in_domain" | "not_clearly_in_domain" | "several_parts" | "instructions_in_message" | "needs_a_person";

export type FastPathVerdict = { worker: WorkerLabel; confidence: number } | { worker: null; confidence: number; reason: AbstainReason };

/**
 * Whether a message may skip the planning call. Only a message that is clearly
 * in-domain (the domain decision says so, its out-of-scope probability is at most
 * `gate.maxOutOfScope`, and no clause of it is out of scope on its own), with
 * exactly one business intent that the clause splitter agrees is the whole
 * message, and with no instructions aimed at the assistant. Anything else
 * abstains (`worker: null`), and the planning call decides: the local
 * supervisor's own domain decision, or the hosted model's.
 * `confidence` is the calibrated score of the message's top intent.
 */
export function fastPathVerdict(message: string, gate: DomainGate = DEFAULT_DOMAIN_GATE): FastPathVerdict {
  const d = judgeDomain(message);
  const abstain = (reason: AbstainReason): FastPathVerdict => ({ worker: null, confidence: d.message.top.confidence, reason });
  if (d.verdict !== "in_domain") return abstain("not_in_domain");
  if (d.outOfScope > gate.maxOutOfScope || d.outOfScopeParts.length > 0) return abstain("not_clearly_in_domain");
  if (d.workers.length !== 1 || d.subtasks.length !== 1 || d.subtasks[0].worker !== d.workers[0]) return abstain("several_parts");
  if (analyseRequest(message).injection) return abstain("instructions_in_message");
  // A customer who needs a person is the planner's to hand off, whatever else they ask.
  if (asksForPerson(message) || inDistress(message) || saysRepeated(message)) return abstain("needs_a_person");
  if (praisesOnly(message)) return abstain("not_in_domain");
  return { worker: d.workers[0], confidence: d.message.scores[d.workers[0]] };
}

/** The local classifier as the engine's `IntentClassifier`, behind a domain gate. */
export function createLocalIntentClassifier(gate: DomainGate = DEFAULT_DOMAIN_GATE): IntentClassifier {
  return {
    classify(message) {
      const v = fastPathVerdict(message, gate);
      return { worker: v.worker, confidence: v.confidence };
    },
  };
}

/**
 * The local model's trained intent classifier, offered to the engine for tiered
 * delegation whichever model does the planning. It names a worker only for a
 * message that is clearly in-domain and single-intent, so a confident wrong guess
 * never bypasses the supervisor's scope check.
 */
export const localIntentClassifier: IntentClassifier = createLocalIntentClassifier();
