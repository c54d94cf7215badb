import type { Brain } from "../local-model";
import { classifyIntents, splitIntoSubtasks } from "../nlu";

const SMALL_TALK_BYE = /\b(thanks|thank you|thx|cheers|bye|goodbye|that'?s all)\b/i;

/** The supervisor's own words for small talk: it answers these without a worker. */
export function smallTalkReply(text: string): string {
  if (SMALL_TALK_BYE.test(text)) return "You're welcome! If anything else comes up with your bill, your connection or your plan, just message me here.";
  return "Hi! I'm the Switchboard assistant. I can help with your bill, your internet connection, and your plan or account. What can I do for you today?";
}

export const DECLINE_REPLY =
  "I'm sorry, but I can only help with your account here: billing and charges, your internet connection, and your plan. That request is outside what I can do. Is there anything about your service I can help with?";

/**
 * The planning call: decompose the message into at most one sub-task per worker,
 * or decline it, or answer small talk. Output is the planner JSON the orchestrator
 * validates with its zod schema.
 */
export const supervisorBrain: Brain = (input) => {
  const text = input.userText;
  const intents = classifyIntents(text);
  const subtasks = splitIntoSubtasks(text);
  const top = intents.top.label;
  let plan: { kind: string; tasks: Array<{ worker: string; instruction: string }>; reply?: string };
  if (subtasks.length > 0 && top !== "out_of_scope" && top !== "small_talk") {
    plan = { kind: "delegate", tasks: subtasks.map((s) => ({ worker: s.worker, instruction: s.text })) };
  } else if (subtasks.length > 0) {
    // A business request wrapped in chit-chat still gets delegated.
    plan = { kind: "delegate", tasks: subtasks.map((s) => ({ worker: s.worker, instruction: s.text })) };
  } else if (top === "small_talk") {
    plan = { kind: "small_talk", tasks: [], reply: smallTalkReply(text) };
  } else {
    plan = { kind: "out_of_scope", tasks: [], reply: DECLINE_REPLY };
  }
  return { kind: "text", text: JSON.stringify(plan) };
};
