import type { RunStatus } from "../contracts";
import { customerExists } from "../db/queries/runs";
import { abuseLimits, DAILY_TOKEN_BUDGET, hitRunLimits, type AbuseLimits } from "../http/rate-limits";
import type { EngineDeps } from "../orchestrator/deps";
import { submitMessage } from "../orchestrator/engine";
import { RunStoreError } from "../orchestrator/store";
import { scopedIdempotencyKey } from "./message-input";

// Starting a run for a customer's message: the one use case behind POST /api/runs and
// the chat's sendMessage action. The shells authenticate the customer and parse the
// input; everything after that is here, so the API and the chat cannot drift apart on
// who may start a run or what is counted against the limits. A refusal is a value, not
// an exception: each shell words it for its own audience (an HTTP status and error
// code, or a sentence for the customer). Anything else thrown is a real failure.

export type StartRunRefusal =
  /** The customer the token or cookie names is not (or no longer) in the database. */
  | { code: "customer_unknown"; message: string }
  /** A run limit (lib/http/rate-limits.ts) is spent; `limit` says which. */
  | { code: "rate_limited"; message: string; retryAfterSeconds: number; limit: string }
  /** The conversation is not this customer's, or does not exist. */
  | { code: "conversation_not_found"; message: string }
  /** A run of the conversation is still queued or running. */
  | { code: "conversation_busy"; message: string };

export type StartRunResult =
  | { ok: true; runId: string; conversationId: string; status: RunStatus; created: boolean }
  | { ok: false; refusal: StartRunRefusal };

export interface StartRunInput {
  /** Already authenticated by the shell (customer token or chat cookie), never taken from the body. */
  customer: { customerId: string };
  message: string;
  conversationId?: string;
  /** The client's retry key as it sent it; scoped to the customer here. */
  idempotencyKey?: string;
  /** The client's address for the per-address limit (lib/http/client-address.ts). */
  clientIp: string;
}

/** Starts a run for an authenticated customer's message, or says why not. */
export async function startRun(
  deps: { engine: EngineDeps; limits?: AbuseLimits; now?: Date },
  input: StartRunInput,
): Promise<StartRunResult> {
  const { engine } = deps;
  const { customerId } = input.customer;
  if (!(await customerExists({ db: engine.db, customerId }))) {
    return refuse({ code: "customer_unknown", message: "The token's customer does not exist." });
  }
  // Every run costs model tokens: a customer (or a client) that starts runs faster than
  // a person types is refused before anything is stored.
  const limited = await hitRunLimits(engine.db, { customerId, ip: input.clientIp }, deps.limits ?? abuseLimits(), deps.now ?? new Date());
  if (!limited.ok) {
    const what = limited.which === DAILY_TOKEN_BUDGET ? "This customer's model-token budget for today is spent." : "Too many messages in a short time.";
    return refuse({ code: "rate_limited", message: `${what} Try again in ${limited.retryAfterSeconds} s.`, retryAfterSeconds: limited.retryAfterSeconds, limit: limited.which });
  }
  try {
    const { run, created } = await submitMessage(engine, {
      customerId,
      message: input.message,
      conversationId: input.conversationId,
      // Scoped to the customer so one customer's key can never replay another's run.
      idempotencyKey: input.idempotencyKey === undefined ? undefined : scopedIdempotencyKey(customerId, input.idempotencyKey),
    });
    return { ok: true, runId: run.id, conversationId: run.conversationId, status: run.status, created };
  } catch (err) {
    if (err instanceof RunStoreError && err.code === "conversation_not_found") {
      return refuse({ code: "conversation_not_found", message: "No such conversation for this customer." });
    }
    if (err instanceof RunStoreError && err.code === "conversation_busy") {
      return refuse({
        code: "conversation_busy",
        message: "A reply to the previous message in this conversation is still being written. Send the next message once it has finished.",
      });
    }
    throw err;
  }
}

const refuse = (refusal: StartRunRefusal): StartRunResult => ({ ok: false, refusal });
