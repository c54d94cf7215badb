import type { Brain } from "../local-model";
import { DECLINE_REPLY, smallTalkReply } from "../../../contracts";
import { judgeDomain } from "../nlu";

/**
 * The planning call: first the domain decision (nlu/domain.ts), then, for a
 * message about the company's business, at most one sub-task per worker with only
 * that worker's part of the message. A request that belongs to another business
 * is declined however many business words it shares ("my card was charged twice
 * at the restaurant"); small talk gets a short reply. Output is the planner JSON
 * the orchestrator validates with its zod schema.
 */
export const supervisorBrain: Brain = (input) => {
  const text = input.userText;
  const domain = judgeDomain(text);
  let plan: { kind: string; tasks: Array<{ worker: string; instruction: string }>; reply?: string };
  if (domain.verdict === "in_domain") {
    // Any business part is delegated, even when wrapped in chit-chat or next to an out-of-scope part.
    plan = { kind: "delegate", tasks: domain.subtasks.map((s) => ({ worker: s.worker, instruction: s.text })) };
  } else if (domain.verdict === "small_talk") {
    plan = { kind: "small_talk", tasks: [], reply: smallTalkReply(text) };
  } else {
    plan = { kind: "out_of_scope", tasks: [], reply: DECLINE_REPLY };
  }
  return { kind: "text", text: JSON.stringify(plan) };
};
