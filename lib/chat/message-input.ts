import { z } from "zod";
import { textProblem } from "../contracts";

// What a customer may send, checked the same way by the chat's server action and
// by POST /api/runs.

export const MAX_MESSAGE_LENGTH = 4000;

export const chatMessageSchema = z
  .string()
  .trim()
  .min(1, "message is empty")
  .max(MAX_MESSAGE_LENGTH, `message is longer than ${MAX_MESSAGE_LENGTH} characters`)
  // NUL, unpaired surrogates and control characters: a 400 here, never a 500 from the database.
  .superRefine((s, ctx) => {
    const problem = textProblem(s, "message");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A client's retry key; it is scoped to the customer before it reaches the run store. */
export const idempotencyKeySchema = z
  .string()
  .min(8, "idempotency key is shorter than 8 characters")
  .max(200, "idempotency key is longer than 200 characters")
  .regex(/^[\w.:-]+$/, "idempotency key may hold only letters, digits, . : _ -");

export const sendMessageInputSchema = z.object({
  message: chatMessageSchema,
  conversationId: z.string().uuid("conversationId is not a UUID").optional(),
  idempotencyKey: idempotencyKeySchema,
});

/** A run's idempotency key: the client's key, scoped so one customer's key never replays another's run. */
export function scopedIdempotencyKey(customerId: string, key: string): string {
  return `${customerId}:${key}`;
}
