import { z } from "zod";

// Names and results that the supervisor, the workers, the models and the UI all
// speak. Which workers exist is decided by lib/workers/registry.ts alone: a name
// here is any well-formed identifier, and the registry checks it at run time.

export const workerNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "a worker name is a lower-case identifier");
export type WorkerName = z.infer<typeof workerNameSchema>;

/** What every worker returns to the supervisor (its structured output). */
export const workerResultSchema = z.object({
  status: z.enum(["done", "needs_review", "refused", "nothing_found"]),
  /** One or two sentences for the supervisor's synthesis, addressed to the customer. */
  summary: z.string(),
  facts: z.array(z.string()),
  actions: z.array(
    z.object({
      type: z.enum(["credit", "plan_change", "dispatch", "remote_reset", "none"]),
      // failed: the tool could not carry it out (an error of ours), so nothing happened.
      status: z.enum(["applied", "proposed", "refused", "failed"]),
      description: z.string(),
    }),
  ),
  confidence: z.number().min(0).max(1),
});
export type WorkerResult = z.infer<typeof workerResultSchema>;
