import { z } from "zod";
import type { WorkerName } from "../orchestrator/events";

/** What every worker returns to the supervisor (its structured output). */
export const workerResultSchema = z.object({
  status: z.enum(["done", "needs_review", "refused", "nothing_found"]),
  /** One or two sentences for the supervisor's synthesis, addressed to the customer. */
  summary: z.string(),
  facts: z.array(z.string()),
  actions: z.array(
    z.object({
      type: z.enum(["credit", "plan_change", "dispatch", "remote_reset", "none"]),
      status: z.enum(["applied", "proposed", "refused"]),
      description: z.string(),
    }),
  ),
  confidence: z.number().min(0).max(1),
});
export type WorkerResult = z.infer<typeof workerResultSchema>;

export type ToolServerName = "billing" | "network" | "crm";

/** A specialist worker: one file each under lib/workers, listed in registry.ts. */
export interface WorkerDefinition {
  name: WorkerName;
  title: string;
  /** What this worker handles; anything else it refuses. */
  scope: string;
  /** The system prompt (kept short: policy is enforced by the tools, not by this text). */
  instructions: string;
  /** The MCP server whose tools this worker may use, and no other. */
  toolServer: ToolServerName;
  /** Below this confidence the supervisor sends the result to human review. */
  confidenceThreshold: number;
  timeoutMs: number;
  maxSteps: number;
}

/** Shared closing of every worker prompt: the structured result contract. */
export const RESULT_CONTRACT = `When you are done, answer with JSON only, matching the schema: status (done | needs_review | refused | nothing_found), summary (1-3 sentences to the customer, no internal ids except invoice, outage and slot ids), facts (short strings taken from tool results only), actions (each credit, plan change, dispatch or reset you applied, proposed for approval, or were refused), confidence (0..1). Never state anything a tool did not return. If the task is outside your scope, return status "refused".`;
