import { z } from "zod";
import { FINISHED_RUN_STATUSES, planSchema, reviewKindSchema, WORKER_OUTCOMES, workerNameSchema } from "../contracts";

// The one event vocabulary of a run. The same objects are persisted in run_events,
// streamed to the chat UI and shown on the audit timeline, so adding a kind of
// event means adding it here and nowhere else.

const base = { at: z.string() };

export const runEventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("run_started"), customerId: z.string(), input: z.string(), attempt: z.number().int() }),
  z.object({ ...base, type: z.literal("plan"), plan: planSchema }),
  z.object({ ...base, type: z.literal("worker_started"), taskId: z.string(), worker: workerNameSchema, attempt: z.number().int(), instruction: z.string() }),
  z.object({ ...base, type: z.literal("tool_call"), taskId: z.string(), worker: workerNameSchema, toolCallId: z.string(), tool: z.string(), args: z.unknown() }),
  z.object({ ...base, type: z.literal("tool_result"), taskId: z.string(), worker: workerNameSchema, toolCallId: z.string(), tool: z.string(), result: z.unknown(), isError: z.boolean() }),
  z.object({ ...base, type: z.literal("worker_partial"), taskId: z.string(), worker: workerNameSchema, text: z.string() }),
  z.object({
    ...base,
    type: z.literal("worker_finished"),
    taskId: z.string(),
    worker: workerNameSchema,
    outcome: z.enum(WORKER_OUTCOMES),
    attempt: z.number().int(),
    summary: z.string(),
    confidence: z.number().nullable(),
    cacheHit: z.boolean(),
    tokensIn: z.number().int(),
    tokensOut: z.number().int(),
    latencyMs: z.number().int(),
    error: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal("review_requested"), reviewId: z.string(), taskId: z.string(), kind: reviewKindSchema, summary: z.string() }),
  z.object({ ...base, type: z.literal("review_decided"), reviewId: z.string(), kind: reviewKindSchema, decision: z.enum(["approved", "rejected", "withdrawn"]), by: z.string(), note: z.string().nullable() }),
  // `part`: which part of a reply written progressively (absent: 0, the whole reply).
  z.object({ ...base, type: z.literal("message_delta"), attempt: z.number().int(), delta: z.string(), part: z.number().int().nonnegative().optional() }),
  // One part of the reply is final (written once per index): the text a resumed run
  // keeps, and after which the next part's deltas follow, separated by a blank line.
  z.object({ ...base, type: z.literal("reply_part"), attempt: z.number().int(), index: z.number().int().nonnegative(), taskIds: z.array(z.string()), text: z.string() }),
  z.object({ ...base, type: z.literal("run_finished"), status: z.enum(FINISHED_RUN_STATUSES), reply: z.string(), tokensIn: z.number().int(), tokensOut: z.number().int(), latencyMs: z.number().int() }),
  z.object({ ...base, type: z.literal("error"), message: z.string(), taskId: z.string().optional(), retryable: z.boolean() }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;

/**
 * What a customer may see of an event (the chat's agent panel, host sites): a
 * reviewer's internal note is staff-only.
 */
export function customerView<E extends RunEvent>(e: E): E {
  return e.type === "review_decided" ? { ...e, note: null } : e;
}
/** An event as the producer writes it; the store stamps `at`. */
export type NewRunEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, "at"> : never) : never;
/** A persisted event with its position in the run. */
export type StoredRunEvent = RunEvent & { seq: number };
