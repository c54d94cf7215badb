import type { WorkerName } from "../contracts";
import type { ToolServerName } from "../tools/registry";

/** A specialist worker: one file each under lib/workers, listed in registry.ts. */
export interface WorkerDefinition {
  name: WorkerName;
  /** How people see it (chat agent panel, review queue, synthesis). */
  title: string;
  /** What a customer sees while it works, in their words, not ours (the chat widget): "Checking your bill…". */
  progress: string;
  /** What this worker handles, anything else it refuses. The supervisor's prompt is built from these. */
  scope: string;
  /** The system prompt (kept short: policy is enforced by the tools, not by this text). */
  instructions: string;
  /** The MCP server whose tools this worker may use, and no other. */
  toolServer: ToolServerName;
  /** Below this confidence the supervisor sends the result to human review. */
  confidenceThreshold: number;
  timeoutMs: number;
  maxSteps: number;
  /** Attempts after the first when the worker fails or times out. */
  retries: number;
}

/**
 * Whose action a tool's answer reports. The customer may write from two devices at
 * once, and each conversation runs on its own: a tool can answer that something is
 * already so because the other run (or an earlier request) did it. Only the answers
 * that report an effect of this call, or a replay of this task's own earlier call, are
 * this worker's actions to claim.
 */
const OWN_ACTIONS_ONLY = `Claim as your own action only what a tool answered as done by your call (applied, booked, fixed, not_fixed), or a result with replayed: true (your own earlier call in this task, done once). An answer that something is already so (already_booked, already_credited, already_on_plan, or no_fault from remote_reset) means nothing was done by you: state it as the fact it is ("a technician is already booked for <slot time>", "that charge has already been credited", "you're already on <plan>", "your line tests healthy now"), never as something you did, not as a refusal or a failure, and do not list it in actions. already_pending means that very credit or plan change already waits for a specialist (since pendingSince): say it is with a specialist and since when, never that you sent it now.`;

/** Shared closing of every worker prompt: the structured result contract. */
const RESULT_CONTRACT = `When you are done, answer with JSON only, matching the schema: status (done | needs_review | refused | nothing_found), summary (1-3 sentences to the customer, no internal ids except invoice, outage and slot ids), facts (short strings taken from tool results only), actions (each credit, plan change, dispatch or reset you applied, proposed for approval, or were refused), confidence (0..1). Never state anything a tool did not return. ${OWN_ACTIONS_ONLY} If the task is outside your scope, return status "refused".`;

/**
 * A worker from its parts: the system prompt states the scope (the same sentence the
 * supervisor routes by), the worker's own guidance, and the result contract.
 */
export function defineWorker(
  def: Omit<WorkerDefinition, "instructions" | "progress" | "confidenceThreshold" | "timeoutMs" | "maxSteps" | "retries"> &
    Partial<Pick<WorkerDefinition, "progress" | "confidenceThreshold" | "timeoutMs" | "maxSteps" | "retries">> & { role: string; guidance: string },
): WorkerDefinition {
  const { role, guidance, ...rest } = def;
  return {
    progress: "Looking into it…",
    confidenceThreshold: 0.7,
    timeoutMs: 20_000,
    maxSteps: 8,
    retries: 1,
    ...rest,
    instructions: `${role}\nScope: ${def.scope} Nothing else.\n${guidance}\n${RESULT_CONTRACT}`,
  };
}
