"use client";

import { useChat } from "@ai-sdk/react";
import { useEffect, useState } from "react";
import type { ChatMessage } from "@/lib/chat/ui-stream";
import { CustomerChatSession, type ChatHistoryProps } from "./chat-session";
import { ChatError, isRunActive, messageText } from "./chat-transport";
import { addFollowUp, useReviewWatchers } from "./use-review-watchers";

/** Refusals that leave no run behind: the message goes back into the box to be fixed or sent later. */
const GIVE_BACK = new Set(["invalid_input", "conversation_busy", "session_expired", "conversation_not_found", "rate_limited", "internal"]);

/**
 * A customer's conversation on useChat, for the demo chat and the widget alike: the
 * run still going after a reload is resumed from its cursor, refused messages go
 * back into the composer, runs waiting for a person stay followed until a reviewer's
 * follow-up arrives, and errors say whether a retry makes sense.
 */
export function useCustomerChat(customerId: string, history: ChatHistoryProps, opts: { renewSession?(): Promise<boolean> } = {}) {
  const [draft, setDraft] = useState("");
  const [reconnecting, setReconnecting] = useState(false);
  const [session] = useState(() => new CustomerChatSession(customerId, history, opts));
  const chat = session.chat;
  const { messages, status, error, sendMessage, setMessages, regenerate, resumeStream, clearError } = useChat<ChatMessage>({ chat, resume: true });
  useEffect(() => () => void chat.stop(), [chat]);

  useEffect(() => {
    session.setHandlers({
      onError(e) {
        setReconnecting(false);
        if (!(e instanceof ChatError) || !GIVE_BACK.has(e.kind)) return;
        // Nothing was started: take the message out of the conversation and give it back.
        const last = chat.messages.at(-1);
        if (last?.role === "user") {
          setMessages(chat.messages.slice(0, -1));
          setDraft((d) => d || messageText(last));
        }
        if (e.kind === "conversation_not_found") session.setConversation(null);
      },
      onData(part) {
        if (part.type === "data-connection") setReconnecting((part.data as { state: string }).state === "reconnecting");
        if (part.type === "data-followup") addFollowUp(setMessages, part.data as never);
      },
    });
  });

  const sending = status === "submitted" || status === "streaming";
  const lastRun = messages.findLast((m) => m.role === "assistant" && m.metadata?.runId);
  const busy = sending || isRunActive(lastRun);
  useReviewWatchers(messages, setMessages, !sending);

  const chatError = error instanceof ChatError ? error : error ? new ChatError("network", "Something went wrong. Try again.") : null;
  // A message whose sending failed on the way stays in the conversation, to be retried
  // with the same id, so the server never starts it twice; a lost live stream resumes from its cursor.
  const retry = chatError && !GIVE_BACK.has(chatError.kind) ? (messages.at(-1)?.role === "user" ? () => void regenerate() : () => void resumeStream()) : null;

  function send(text: string) {
    clearError();
    setDraft("");
    void sendMessage({ text: text.trim() });
  }

  function startOver() {
    session.setConversation(null);
    clearError();
    setMessages([]);
  }

  return { messages, status, lastRun, busy, reconnecting, chatError, retry, draft, setDraft, send, startOver };
}
