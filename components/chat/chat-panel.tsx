"use client";

import { useState } from "react";
import { leaveChatAction } from "@/app/(chat)/chat/actions";
import type { ChatCustomer } from "@/lib/db/queries/customers";
import { buttonStyles, cardStyles } from "@/components/ui/styles";
import { AgentPanel } from "./agent-panel";
import type { ChatHistoryProps } from "./chat-session";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
import { useCustomerChat } from "./use-customer-chat";

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

function CustomerChat({ customer, history }: { customer: ChatCustomer; history: ChatHistoryProps }) {
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const { messages, status, lastRun, busy, reconnecting, chatError, retry, draft, setDraft, send: sendText, startOver: clear } = useCustomerChat(customer.id, history);
  const expired = chatError?.kind === "session_expired";

  function send(text: string) {
    setSelectedRunId(null); // follow the new run in the agent panel
    sendText(text);
  }

  function startOver() {
    setSelectedRunId(null);
    clear();
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
