import type { Brain } from "../local-model";
import { DECLINE_REPLY, smallTalkReply } from "../../../contracts";
import { classifyIntents, splitIntoSubtasks } from "../nlu";

/**
 * The planning call: decompose the message into at most one sub-task per worker,
 * or decline it, or answer small talk. Output is the planner JSON the orchestrator
 * validates with its zod schema.
 */
export const supervisorBrain: Brain = (input) => {
  const text = input.userText;
  const intents = classifyIntents(text);
  const subtasks = splitIntoSubtasks(text);
  let plan: { kind: string; tasks: Array<{ worker: string; instruction: string }>; reply?: string };
  if (subtasks.length > 0) {
    // Any business part is delegated, even when wrapped in chit-chat.
    plan = { kind: "delegate", tasks: subtasks.map((s) => ({ worker: s.worker, instruction: s.text })) };
  } else if (intents.top.label === "small_talk") {
    plan = { kind: "small_talk", tasks: [], reply: smallTalkReply(text) };
  } else {
    plan = { kind: "out_of_scope", tasks: [], reply: DECLINE_REPLY };
  }
  return { kind: "text", text: JSON.stringify(plan) };
};
