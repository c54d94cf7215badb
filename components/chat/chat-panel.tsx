"use client";

import { useEffect, useState } from "react";
import { leaveChatAction } from "@/app/(chat)/chat/actions";
import type { ChatCustomer } from "@/lib/db/queries/customers";
import { buttonStyles, cardStyles } from "@/components/ui/styles";
import { AgentPanel } from "./agent-panel";
import { forgetChat } from "./chat-storage";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
import { useConversation } from "./use-conversation";

/** The chat as the signed-in demo customer, or a prompt to pick one. */
export function ChatPanel({ customer, sessionExpired }: { customer: ChatCustomer | null; sessionExpired: boolean }) {
  // Without a customer session nothing remembered in this tab may be shown again.
  useEffect(() => {
    if (!customer) forgetChat();
  }, [customer]);

  if (!customer) {
    return (
      <section className={`${cardStyles} grid min-h-80 place-items-center p-8 text-center`} data-testid="chat-empty">
        <div>
          <h2 className="text-base font-semibold text-zinc-900">Pick a customer to start</h2>
          <p className="mt-1 text-sm text-zinc-600">
            {sessionExpired ? "Your chat session has ended. Pick a customer again." : "Choose one of the demo customers on the left."}
          </p>
        </div>
      </section>
    );
  }
  // Keyed by customer: switching customer starts from a clean slate.
  return <CustomerChat key={customer.id} customer={customer} />;
}

function CustomerChat({ customer }: { customer: ChatCustomer }) {
  const chat = useConversation(customer.id);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const shown = chat.runs.find((r) => r.runId === selectedRunId) ?? chat.runs.at(-1) ?? null;
  const expired = chat.error?.kind === "session_expired";

  async function send(message: string) {
    setSelectedRunId(null); // follow the new run in the agent panel
    return chat.send(message);
  }

  const note = expired
    ? "Pick the customer again to keep chatting."
    : chat.restoring
      ? "Loading the conversation…"
      : chat.busy
        ? "The agents are working on your request…"
        : null;

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[minmax(0,1fr)_19rem]">
      <section className={`${cardStyles} flex min-h-[28rem] flex-col`} aria-labelledby="chat-heading">
        <header className="flex items-center justify-between gap-4 border-b border-zinc-200 px-5 py-3">
          <h2 id="chat-heading" className="text-sm font-semibold text-zinc-900" data-testid="chat-identity">
            Chatting as {customer.name} ({customer.id})
          </h2>
          <form action={leaveChatAction} onSubmit={() => forgetChat()}>
            <button type="submit" className={buttonStyles.ghost} data-testid="chat-leave">
              End session
            </button>
          </form>
        </header>
        <MessageList
          runs={chat.runs}
          pendingInput={chat.pendingInput}
          restoring={chat.restoring}
          selectedRunId={shown?.runId ?? null}
          onSelect={setSelectedRunId}
        />
        {chat.error ? (
          <p role="alert" className="mx-4 mb-0 mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-200" data-testid="chat-error">
            {chat.error.message}
          </p>
        ) : null}
        <Composer disabled={chat.restoring || expired} busy={chat.busy} note={note} onSend={send} />
      </section>
      <AgentPanel run={shown} starting={chat.pendingInput !== null} reconnecting={chat.connection === "reconnecting"} />
    </div>
  );
}
