"use server";

import { cookies, headers } from "next/headers";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { loadChatHistory, type ChatHistory } from "@/lib/chat/history";
import { scopedIdempotencyKey, sendMessageInputSchema } from "@/lib/chat/message-input";
import { customerExists } from "@/lib/db/queries/runs";
import { clientIp } from "@/lib/http/client-address";
import { DAILY_TOKEN_BUDGET, hitRunLimits } from "@/lib/http/rate-limits";
import { log } from "@/lib/log";
import { submitMessage } from "@/lib/orchestrator/engine";
import { RunStoreError } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/engine";

export type SendMessageError = "invalid_input" | "session_expired" | "conversation_not_found" | "conversation_busy" | "rate_limited" | "internal";

export type SendMessageResult =
  | { ok: true; runId: string; conversationId: string; created: boolean }
  | { ok: false; error: SendMessageError; message: string };

const fail = (error: SendMessageError, message: string): SendMessageResult => ({ ok: false, error, message });

/**
 * Sends the chat customer's message: starts a run exactly as POST /api/runs does
 * (same run store call, same customer-scoped idempotency key) and returns its id at
 * once. The run executes on the server whether or not the page stays open; the page
 * follows it on GET /api/runs/<id>/stream. (Why not return the stream from here:
 * docs/ARCHITECTURE.md, "How the chat streams".)
 */
export async function sendMessage(input: { message: string; conversationId?: string | null; idempotencyKey: string }): Promise<SendMessageResult> {
  // Identity comes from the signed chat cookie only, never from the input.
  const who = await readCustomerFromRequest({ cookies: await cookies() });
  if (!who.ok) return fail("session_expired", "Your chat session has ended. Pick the customer again to continue.");

  const parsed = sendMessageInputSchema.safeParse({ ...input, conversationId: input?.conversationId ?? undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const text = issue.path[0] === "message" ? `Your ${issue.message}.` : "The message could not be sent. Reload the page and try again.";
    return fail("invalid_input", text);
  }

  const engine = getEngine();
  try {
    if (!(await customerExists({ db: engine.db, customerId: who.customerId }))) {
      return fail("session_expired", "Your chat session has ended. Pick the customer again to continue.");
    }
    // The same limits as POST /api/runs: the chat is no way around them.
    const limited = await hitRunLimits(engine.db, { customerId: who.customerId, ip: clientIp(await headers()) });
    if (!limited.ok) {
      if (limited.which === DAILY_TOKEN_BUDGET) {
        return fail("rate_limited", "You have reached today's limit for the assistant. Please try again tomorrow, or contact us another way if it can't wait.");
      }
      return fail("rate_limited", `You have sent a lot of messages in a short time. Wait ${limited.retryAfterSeconds} seconds, then send this one again.`);
    }
    const { run, created } = await submitMessage(engine, {
      customerId: who.customerId,
      message: parsed.data.message,
      conversationId: parsed.data.conversationId,
      idempotencyKey: scopedIdempotencyKey(who.customerId, parsed.data.idempotencyKey),
    });
    return { ok: true, runId: run.id, conversationId: run.conversationId, created };
  } catch (err) {
    if (err instanceof RunStoreError && err.code === "conversation_busy") {
      return fail("conversation_busy", "A reply to your previous message is still on its way. Send this one once it has arrived.");
    }
    if (err instanceof RunStoreError && err.code === "conversation_not_found") {
      return fail("conversation_not_found", "That conversation is no longer available. Send your message again to start a new one.");
    }
    log.error({ err, customerId: who.customerId }, "sendMessage failed");
    return fail("internal", "Switchboard could not start working on your message. Try again in a moment.");
  }
}

/**
 * The chat customer's latest conversation, for the widget: its page learns who the
 * customer is only after the host page's token arrives, so it asks here once the
 * cookie is set (/chat reads the same history on the server while rendering).
 */
export async function loadConversation(): Promise<{ ok: true; history: ChatHistory } | { ok: false }> {
  const who = await readCustomerFromRequest({ cookies: await cookies() });
  if (!who.ok) return { ok: false };
  try {
    return { ok: true, history: await loadChatHistory(getEngine().db, { customerId: who.customerId }) };
  } catch (err) {
    log.error({ err, customerId: who.customerId }, "loadConversation failed");
    return { ok: false };
  }
}
