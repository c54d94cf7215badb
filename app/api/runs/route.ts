import { z } from "zod";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { chatMessageSchema, idempotencyKeySchema, scopedIdempotencyKey } from "@/lib/chat/message-input";
import { customerExists } from "@/lib/db/queries/runs";
import { customerTokenError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { clientIp } from "@/lib/http/client-address";
import { DAILY_TOKEN_BUDGET, hitRunLimits, rateLimited } from "@/lib/http/rate-limits";
import { readGuardedJson } from "@/lib/http/request-guard";
import { submitMessage } from "@/lib/orchestrator/engine";
import { RunStoreError } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/engine";

const bodySchema = z.object({
  message: chatMessageSchema,
  conversationId: z.string().uuid().optional(),
});

/**
 * Starts a run for the authenticated customer (Bearer customer token or the chat
 * cookie). Returns 202 at once; the run executes server-side whether or not the
 * caller follows its events. An Idempotency-Key header makes retries safe.
 */
export const POST = withApiErrors("run", async (req: Request) => {
  // Before the token is even read: a cross-site form post carrying the chat cookie stops here.
  const json = await readGuardedJson(req, { surface: "message", bearer: true, expected: "{ message, conversationId? }" });
  const who = await readCustomerFromRequest(req);
  if (!who.ok) throw customerTokenError(who, "run");
  const body = bodySchema.safeParse(json);
  if (!body.success) throw invalidInput("message", body.error.issues);
  const rawKey = req.headers.get("idempotency-key");
  const key = rawKey === null ? undefined : idempotencyKeySchema.safeParse(rawKey);
  if (key && !key.success) {
    throw invalidInput("message", [{ path: "Idempotency-Key", message: "must be 8-200 characters of letters, digits, . : _ -" }]);
  }

  const engine = getEngine();
  if (!(await customerExists({ db: engine.db, customerId: who.customerId }))) {
    throw new ApiError("unauthorized:run", "The token's customer does not exist.", { details: { reason: "customer_unknown" } });
  }
  // Every run costs model tokens: a token (or a client) that starts runs faster than a
  // person types is refused with 429 and Retry-After before anything is stored.
  const limited = await hitRunLimits(engine.db, { customerId: who.customerId, ip: clientIp(req.headers) });
  if (!limited.ok) {
    throw rateLimited("message", limited, limited.which === DAILY_TOKEN_BUDGET ? "This customer's model-token budget for today is spent." : "Too many messages in a short time.");
  }
  try {
    const { run, created } = await submitMessage(engine, {
      customerId: who.customerId,
      message: body.data.message,
      conversationId: body.data.conversationId,
      // Scoped to the customer so one customer's key can never replay another's run.
      idempotencyKey: key?.data ? scopedIdempotencyKey(who.customerId, key.data) : undefined,
    });
    return Response.json(
      { runId: run.id, conversationId: run.conversationId, status: run.status, created, eventsUrl: `/api/runs/${run.id}/events` },
      { status: created ? 202 : 200, headers: { "cache-control": "no-store" } },
    );
  } catch (err) {
    if (err instanceof RunStoreError && err.code === "conversation_not_found") {
      throw new ApiError("not_found:conversation", "No such conversation for this customer.", { cause: err });
    }
    if (err instanceof RunStoreError && err.code === "conversation_busy") {
      throw new ApiError("conflict:conversation", "A reply to the previous message in this conversation is still being written. Send the next message once it has finished.", {
        cause: err,
        details: { reason: "run_in_progress" },
      });
    }
    throw err;
  }
});
