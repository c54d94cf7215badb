import { z } from "zod";
import { workerNameSchema } from "./workers";

export const subTaskSchema = z.object({
  id: z.string(),
  worker: workerNameSchema,
  instruction: z.string(),
});
export type SubTask = z.infer<typeof subTaskSchema>;

/** `handoff`: the customer needs a person; no worker runs and the conversation goes to the desk. */
const planKindSchema = z.enum(["delegate", "out_of_scope", "small_talk", "handoff"]);

export const planSchema = z.object({
  kind: planKindSchema,
  /** How the plan was made: the classifier alone (tiered fast path) or the planning call. */
  via: z.enum(["classifier", "planner"]),
  tasks: z.array(subTaskSchema),
  /** The supervisor's own answer for out-of-scope and small-talk messages. */
  reply: z.string().optional(),
  /**
   * Review items (ids from the conversation state's `pending`) the customer takes back
   * ("never mind, keep my plan"): withdrawn before the reply, which then says what was
   * withdrawn. Only with kind small_talk; the orchestrator acts only on items still
   * pending for this customer, whatever a model names.
   */
  withdraw: z.array(z.string()).optional(),
  confidence: z.number().min(0).max(1),
});
export type Plan = z.infer<typeof planSchema>;

/**
 * What the planning model returns (structured output), for the given workers: the
 * enum of worker names comes from the registry, so the model can only name a worker
 * that exists.
 */
export function plannerOutputSchema(workerNames: readonly string[]) {
  const names = workerNames.length ? (workerNames as [string, ...string[]]) : ["none"] as [string];
  return z.object({
    kind: planKindSchema,
    tasks: z.array(z.object({ worker: z.enum(names), instruction: z.string().min(1) })).max(6),
    reply: z.string().optional(),
    withdraw: z.array(z.string()).max(10).optional(),
  });
}

/**
 * The intent classifier that tiered delegation consults before planning. A model
 * provider supplies one (the local model's is a trained classifier); the engine
 * receives it as a dependency and never reaches into a provider for it.
 */
export interface IntentClassifier {
  /**
   * `worker` is set only when the message has exactly one business part, for that
   * worker; `confidence` is the calibrated score (0..1) of the top intent.
   */
  classify(message: string): { worker: string | null; confidence: number };
}
