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

/** Shared closing of every worker prompt: the structured result contract. */
export const RESULT_CONTRACT = `When you are done, answer with JSON only, matching the schema: status (done | needs_review | refused | nothing_found), summary (1-3 sentences to the customer, no internal ids except invoice, outage and slot ids), facts (short strings taken from tool results only), actions (each credit, plan change, dispatch or reset you applied, proposed for approval, or were refused), confidence (0..1). Never state anything a tool did not return. If the task is outside your scope, return status "refused".`;

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
