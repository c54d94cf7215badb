import { z } from "zod";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { chatMessageSchema, idempotencyKeySchema } from "@/lib/chat/message-input";
import { startRun, type StartRunRefusal } from "@/lib/chat/start-run";
import { customerTokenError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { clientIp } from "@/lib/http/client-address";
import { readGuardedJson } from "@/lib/http/request-guard";
import { getEngine } from "@/lib/server/app-process";

const bodySchema = z.object({
  message: chatMessageSchema,
  conversationId: z.string().uuid().optional(),
});

/**
 * Starts a run for the authenticated customer (Bearer customer token or the chat
 * cookie). Returns 202 at once; the run executes server-side whether or not the
 * caller follows its events. An Idempotency-Key header makes retries safe. The use
 * case is lib/chat/start-run.ts (shared with the chat's sendMessage action); this
 * handler authenticates, parses and turns its refusals into HTTP errors.
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

  const started = await startRun(
    { engine: getEngine() },
    { customer: { customerId: who.customerId }, message: body.data.message, conversationId: body.data.conversationId, idempotencyKey: key?.data, clientIp: clientIp(req.headers) },
  );
  if (!started.ok) throw refused(started.refusal);
  return Response.json(
    { runId: started.runId, conversationId: started.conversationId, status: started.status, created: started.created, eventsUrl: `/api/runs/${started.runId}/events` },
    { status: started.created ? 202 : 200, headers: { "cache-control": "no-store" } },
  );
});

/** A refusal of lib/chat/start-run.ts as this API's error: the status, code and details it has always had. */
function refused(refusal: StartRunRefusal): ApiError {
  switch (refusal.code) {
    case "customer_unknown":
      return new ApiError("unauthorized:run", refusal.message, { details: { reason: "customer_unknown" } });
    case "rate_limited":
      // 429 with Retry-After, and which limit it was.
      return new ApiError("rate_limited:message", refusal.message, {
        details: { limit: refusal.limit, retryAfterSeconds: refusal.retryAfterSeconds },
        headers: { "retry-after": String(refusal.retryAfterSeconds) },
      });
    case "conversation_not_found":
      return new ApiError("not_found:conversation", refusal.message);
    case "conversation_busy":
      return new ApiError("conflict:conversation", refusal.message, { details: { reason: "run_in_progress" } });
  }
}
