"use server";

import { cookies, headers } from "next/headers";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { loadChatHistory, type ChatHistory } from "@/lib/chat/history";
import { sendMessageInputSchema } from "@/lib/chat/message-input";
import { startRun, type StartRunResult } from "@/lib/chat/start-run";
import { clientIp } from "@/lib/http/client-address";
import { DAILY_TOKEN_BUDGET } from "@/lib/http/rate-limits";
import { log } from "@/lib/log";
import { getEngine } from "@/lib/server/app-process";

export type SendMessageError = "invalid_input" | "session_expired" | "conversation_not_found" | "conversation_busy" | "rate_limited" | "internal";

export type SendMessageResult =
  | { ok: true; runId: string; conversationId: string; created: boolean }
  | { ok: false; error: SendMessageError; message: string };

const fail = (error: SendMessageError, message: string): SendMessageResult => ({ ok: false, error, message });

/**
 * Sends the chat customer's message: starts a run through the same use case as POST
 * /api/runs (lib/chat/start-run.ts: customer check, run limits, customer-scoped
 * idempotency key) and returns its id at once. The run executes on the server whether
 * or not the page stays open; the page follows it on GET /api/runs/<id>/stream. (Why not return the stream from here:
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
  let started: StartRunResult;
  try {
    started = await startRun(
      { engine },
      { customer: { customerId: who.customerId }, ...parsed.data, clientIp: clientIp(await headers()) },
    );
  } catch (err) {
    log.error({ err, customerId: who.customerId }, "sendMessage failed");
    return fail("internal", "Switchboard could not start working on your message. Try again in a moment.");
  }
  if (started.ok) return { ok: true, runId: started.runId, conversationId: started.conversationId, created: started.created };
  // The same refusals as POST /api/runs, worded for the customer in the chat.
  const refusal = started.refusal;
  switch (refusal.code) {
    case "customer_unknown":
      return fail("session_expired", "Your chat session has ended. Pick the customer again to continue.");
    case "rate_limited":
      if (refusal.limit === DAILY_TOKEN_BUDGET) {
        return fail("rate_limited", "You have reached today's limit for the assistant. Please try again tomorrow, or contact us another way if it can't wait.");
      }
      return fail("rate_limited", `You have sent a lot of messages in a short time. Wait ${refusal.retryAfterSeconds} seconds, then send this one again.`);
    case "conversation_busy":
      return fail("conversation_busy", "A reply to your previous message is still on its way. Send this one once it has arrived.");
    case "conversation_not_found":
      return fail("conversation_not_found", "That conversation is no longer available. Send your message again to start a new one.");
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
