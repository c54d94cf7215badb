"use client";

import { useEffect, useRef } from "react";
import { dataParts, replyText, type ChatMessage } from "@/lib/chat/ui-stream";
import { messageText } from "./chat-transport";
import { Markdown } from "./markdown";

const bubble = "max-w-[85%] break-words rounded-2xl px-4 py-2.5 text-sm leading-6";
const meta = "mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400";

function UserMessage({ message, sending }: { message: ChatMessage; sending: boolean }) {
  return (
    <li className="flex flex-col items-end">
      <div className={`${bubble} rounded-br-md bg-zinc-900 text-white dark:bg-indigo-600`} data-testid="chat-message-user">
        <span className="sr-only">You: </span>
        <Markdown text={messageText(message)} />
      </div>
      {sending ? <span className={meta}>Sending…</span> : null}
    </li>
  );
}

function Working({ label }: { label: string }) {
  return (
    <span className="inline-flex items-center gap-2 text-zinc-500 dark:text-zinc-400">
      <span aria-hidden className="flex gap-1">
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400" />
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400 [animation-delay:150ms]" />
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400 [animation-delay:300ms]" />
      </span>
      {label}
    </span>
  );
}

const assistantBubble = `${bubble} rounded-bl-md bg-zinc-100 text-zinc-900 ring-1 ring-inset ring-zinc-200/70 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700/70`;

/** The reply while its message is on its way to the server, so nothing jumps when the run's message arrives. */
function Placeholder() {
  return (
    <li className="flex flex-col items-start">
      <div className={assistantBubble} aria-busy="true">
        <Working label="Starting…" />
      </div>
      <span className={meta}>&nbsp;</span>
    </li>
  );
}

function RunMessage(props: { message: ChatMessage; selectable: boolean; selected: boolean; onSelect(): void }) {
  const { message, selectable, selected, onSelect } = props;
  const status = dataParts(message, "run")[0]?.status ?? "queued";
  const text = replyText(message);
  const streaming = status === "queued" || status === "running";
  // The reply starts as soon as the first worker is done; say so while the others still work.
  const more = streaming && !!text && dataParts(message, "worker").some((w) => w.status === "running");
  return (
    <li className="flex flex-col items-start">
      <div
        className={assistantBubble}
        data-testid="chat-message-assistant"
        data-run-id={message.metadata?.runId}
        data-phase={status}
        data-has-text={text ? "true" : "false"}
        // Screen readers hear the reply once it is complete, not token by token.
        aria-busy={streaming}
      >
        <span className="sr-only">Switchboard: </span>
        {text ? <Markdown text={text} /> : streaming ? <Working label="Working on it…" /> : null}

        {status === "failed" && !text ? (
          <span className="block text-red-700 dark:text-red-400">Sorry, this request could not be completed. Please try again in a moment.</span>
        ) : null}
      </div>
      <div className={meta}>
        {more ? (
          <span data-testid="chat-reply-more">
            <Working label="Still working on the rest…" />
          </span>
        ) : null}
        {status === "awaiting_review" ? <span data-testid="chat-awaiting-review">A specialist will review part of this request.</span> : null}
        {selectable ? (
          <button
            type="button"
            onClick={onSelect}
            aria-pressed={selected}
            className="rounded font-medium text-indigo-600 hover:text-indigo-500 aria-pressed:text-zinc-900 dark:text-indigo-400 dark:aria-pressed:text-zinc-100"
          >
            {selected ? "Showing agent activity" : "Show agent activity"}
          </button>
        ) : null}
        {status !== "awaiting_review" && !selectable && !more ? <span aria-hidden>&nbsp;</span> : null}
      </div>
    </li>
  );
}

function FollowUp({ message }: { message: ChatMessage }) {
  return (
    <li className="flex flex-col items-start">
      <div
        className={`${bubble} rounded-bl-md bg-emerald-50 text-zinc-900 ring-1 ring-inset ring-emerald-200 dark:bg-emerald-950/60 dark:text-zinc-100 dark:ring-emerald-800`}
        data-testid="chat-message-followup"
      >
        <span className="mb-0.5 block text-xs font-medium text-emerald-800 dark:text-emerald-300">Update from our team</span>
        <Markdown text={messageText(message)} />
      </div>
    </li>
  );
}

/** The conversation: the customer's messages, each run's reply as it streams, and follow-ups after a review. */
export function MessageList(props: {
  messages: ChatMessage[];
  sending: boolean;
  selectedRunId: string | null;
  onSelect(runId: string): void;
}) {
  const { messages, sending, selectedRunId, onSelect } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const runs = messages.filter((m) => m.role === "assistant" && m.metadata?.runId);
  const last = messages.at(-1);
  const growth = `${messages.length}:${sending}:${last ? replyText(last).length : 0}:${last?.parts.length ?? 0}`;

  // Follow new text while the reader is at the bottom; leave them alone if they scrolled up.
  const pinned = useRef(true);
  useEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [growth]);

  return (
    <div
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
      className="h-[min(60vh,36rem)] min-h-64 flex-1 overflow-y-auto px-4 py-5 sm:px-5 sm:py-6"
      role="log"
      aria-live="polite"
      aria-label="Conversation"
      data-testid="chat-messages"
    >
      {messages.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No messages yet. Ask about a bill, your connection or your plan.</p>
      ) : (
        <ol className="space-y-3">
          {messages.map((m) =>
            m.role === "user" ? (
              <UserMessage key={m.id} message={m} sending={sending && m === last} />
            ) : m.metadata?.runId ? (
              <RunMessage
                key={m.id}
                message={m}
                selectable={runs.length > 1}
                selected={(selectedRunId ?? runs.at(-1)?.metadata?.runId) === m.metadata.runId}
                onSelect={() => onSelect(m.metadata!.runId!)}
              />
            ) : (
              <FollowUp key={m.id} message={m} />
            ),
          )}
          {sending && last?.role === "user" ? <Placeholder /> : null}
        </ol>
      )}
    </div>
  );
}
