"use client";

import { Chat, useChat } from "@ai-sdk/react";
import { useEffect, useState } from "react";
import { leaveChatAction } from "@/app/(chat)/chat/actions";
import type { ChatMessage } from "@/lib/chat/ui-stream";
import type { ChatCustomer } from "@/lib/db/queries/customers";
import { buttonStyles, cardStyles } from "@/components/ui/styles";
import { AgentPanel } from "./agent-panel";
import { ChatError, isRunActive, messageText, RunChatTransport } from "./chat-transport";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
import { addFollowUp, useReviewWatchers } from "./use-review-watchers";

export type ChatHistoryProps = { conversationId: string | null; messages: ChatMessage[] };

/** The chat as the signed-in demo customer, or a prompt to pick one. */
export function ChatPanel({ customer, sessionExpired, history }: { customer: ChatCustomer | null; sessionExpired: boolean; history: ChatHistoryProps }) {
  if (!customer) {
    return (
      <section className={`${cardStyles} grid min-h-80 place-items-center p-8 text-center`} data-testid="chat-empty">
        <div>
          <h2 className="text-base font-semibold text-zinc-900 dark:text-zinc-100">Pick a customer to start</h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            {sessionExpired ? "Your chat session has ended. Pick a customer again." : "Choose one of the demo customers."}
          </p>
        </div>
      </section>
    );
  }
  // Keyed by customer and conversation: switching either starts from a clean slate.
  return <CustomerChat key={`${customer.id}:${history.conversationId ?? "new"}`} customer={customer} history={history} />;
}

/** A v4 UUID (message ids double as idempotency keys); crypto.randomUUID exists only in secure contexts. */
function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Refusals that leave no run behind: the message goes back into the box to be fixed or sent later. */
const GIVE_BACK = new Set(["invalid_input", "conversation_busy", "session_expired", "conversation_not_found", "internal"]);

type ChatHandlers = { onError(e: Error): void; onData(part: { type: string; data: unknown }): void };

/**
 * One Chat per customer conversation, made outside React's render: its transport
 * starts runs with the server action and follows them on each run's UI message
 * stream. It keeps the conversation id and the latest callbacks the page gives it.
 */
class CustomerChatSession {
  conversationId: string | null;
  handlers: ChatHandlers = { onError() {}, onData() {} };
  readonly chat: Chat<ChatMessage>;

  constructor(customerId: string, history: ChatHistoryProps) {
    this.conversationId = history.conversationId;
    const chat: Chat<ChatMessage> = new Chat<ChatMessage>({
      id: `chat-${customerId}-${history.conversationId ?? "new"}`,
      messages: history.messages,
      generateId: newId,
      transport: new RunChatTransport({
        conversationId: () => this.conversationId,
        onConversation: (id) => this.setConversation(id),
        messages: () => chat.messages,
      }),
      onError: (e) => this.handlers.onError(e),
      onData: (part) => this.handlers.onData(part as { type: string; data: unknown }),
    });
    this.chat = chat;
  }

  setConversation(id: string | null) {
    this.conversationId = id;
  }

  setHandlers(handlers: ChatHandlers) {
    this.handlers = handlers;
  }
}

function CustomerChat({ customer, history }: { customer: ChatCustomer; history: ChatHistoryProps }) {
  const [draft, setDraft] = useState("");
  const [reconnecting, setReconnecting] = useState(false);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const [session] = useState(() => new CustomerChatSession(customer.id, history));
  const chat = session.chat;
  // After a reload or in a second tab, a run still going is picked up from its cursor.
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
  const expired = chatError?.kind === "session_expired";
  // A message whose sending failed on the way stays in the conversation, to be retried
  // with the same id, so the server never starts it twice; a lost live stream resumes from its cursor.
  const retry = chatError && !GIVE_BACK.has(chatError.kind) ? (messages.at(-1)?.role === "user" ? () => void regenerate() : () => void resumeStream()) : null;

  function send(text: string) {
    clearError();
    setSelectedRunId(null); // follow the new run in the agent panel
    setDraft("");
    void sendMessage({ text: text.trim() });
  }

  function startOver() {
    session.setConversation(null);
    setSelectedRunId(null);
    clearError();
    setMessages([]);
  }

  const shown = messages.find((m) => m.metadata?.runId && m.metadata.runId === selectedRunId) ?? lastRun ?? null;
  const note = expired ? "Pick the customer again to keep chatting." : busy ? "The agents are working on your request…" : null;

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
      <section className={`${cardStyles} flex min-w-0 flex-col`} aria-labelledby="chat-heading">
        <header className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 border-b border-zinc-200 py-2 pl-4 pr-2 sm:flex-nowrap sm:pl-5 dark:border-zinc-800">
          <h2 id="chat-heading" className="min-w-0 text-sm font-semibold text-zinc-900 sm:truncate dark:text-zinc-100" data-testid="chat-identity">
            <span className="sr-only">Chatting as </span>
            {customer.name} <span className="font-normal text-zinc-500 dark:text-zinc-400">({customer.id})</span>
          </h2>
          <div className="-mr-1 flex shrink-0 items-center">
            <button type="button" className={buttonStyles.ghost} onClick={startOver} disabled={busy || messages.length === 0} data-testid="chat-new-conversation">
              New chat
            </button>
            <form action={leaveChatAction}>
              <button type="submit" className={buttonStyles.ghost} data-testid="chat-leave">
                End session
              </button>
            </form>
          </div>
        </header>
        <MessageList messages={messages} sending={status === "submitted"} selectedRunId={shown?.metadata?.runId ?? null} onSelect={setSelectedRunId} />
        <div aria-live="assertive" className="empty:hidden">
          {chatError ? (
            <div
              role="alert"
              className="mx-3 mt-2 flex flex-wrap items-center justify-between gap-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200 sm:mx-4 dark:bg-red-950 dark:text-red-200 dark:ring-red-800"
              data-testid="chat-error"
            >
              <span>{chatError.message}</span>
              {retry ? (
                <button type="button" className={buttonStyles.secondary} onClick={retry} data-testid="chat-retry">
                  Retry
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
        <Composer value={draft} onChange={setDraft} disabled={expired} busy={busy} note={note} onSend={send} />
      </section>
      <AgentPanel message={shown} starting={status === "submitted"} reconnecting={reconnecting} />
    </div>
  );
}
