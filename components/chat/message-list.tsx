"use client";

import { Fragment, useEffect, useRef } from "react";
import { replyOf, type RunView } from "@/lib/chat/run-view";

const bubble = "max-w-[85%] whitespace-pre-wrap break-words rounded-2xl px-4 py-2.5 text-sm leading-6";

function UserMessage({ text, sending }: { text: string; sending?: boolean }) {
  return (
    <li className="flex flex-col items-end">
      <p className={`${bubble} rounded-br-md bg-zinc-900 text-white`} data-testid="chat-message-user">
        <span className="sr-only">You: </span>
        {text}
      </p>
      {sending ? <span className="mt-1 text-xs text-zinc-500">Sending…</span> : null}
    </li>
  );
}

function Working() {
  return (
    <span className="inline-flex items-center gap-2 text-zinc-500">
      <span aria-hidden className="flex gap-1">
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400" />
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400 [animation-delay:150ms]" />
        <span className="size-1.5 animate-pulse rounded-full bg-zinc-400 [animation-delay:300ms]" />
      </span>
      Working on it…
    </span>
  );
}

function AssistantMessage({ run, selectable, selected, onSelect }: { run: RunView; selectable: boolean; selected: boolean; onSelect(): void }) {
  const text = replyOf(run);
  const streaming = run.phase === "running";
  return (
    <li className="flex flex-col items-start">
      <div
        className={`${bubble} rounded-bl-md bg-zinc-100 text-zinc-900 ring-1 ring-inset ring-zinc-200/70`}
        data-testid="chat-message-assistant"
        data-run-id={run.runId}
        data-phase={run.phase}
        // Screen readers hear the reply once it is complete, not token by token.
        aria-busy={streaming}
      >
        <span className="sr-only">Switchboard: </span>
        {text ? text : streaming ? <Working /> : null}
        {run.phase === "failed" && !run.finalReply ? (
          <span className="block text-red-700">Sorry, this request could not be completed. Please try again in a moment.</span>
        ) : null}
      </div>
      <div className="mt-1 flex items-center gap-3 text-xs text-zinc-500">
        {run.phase === "awaiting_review" ? <span data-testid="chat-awaiting-review">A specialist will review part of this request.</span> : null}
        {selectable ? (
          <button type="button" onClick={onSelect} aria-pressed={selected} className="rounded font-medium text-indigo-600 hover:text-indigo-500 aria-pressed:text-zinc-900">
            {selected ? "Showing agent activity" : "Show agent activity"}
          </button>
        ) : null}
      </div>
    </li>
  );
}

/** The conversation: each run is the customer's message and the streamed reply. */
export function MessageList(props: {
  runs: RunView[];
  pendingInput: string | null;
  restoring: boolean;
  selectedRunId: string | null;
  onSelect(runId: string): void;
}) {
  const { runs, pendingInput, restoring, selectedRunId, onSelect } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const last = runs.at(-1);
  const growth = `${runs.length}:${pendingInput ?? ""}:${last ? replyOf(last).length : 0}:${last?.phase ?? ""}`;

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
      className="max-h-[60vh] min-h-64 flex-1 overflow-y-auto px-5 py-6"
      role="log"
      aria-live="polite"
      aria-label="Conversation"
      data-testid="chat-messages"
    >
      {restoring ? (
        <p className="text-sm text-zinc-500">Loading the conversation…</p>
      ) : runs.length === 0 && pendingInput === null ? (
        <p className="text-sm text-zinc-500">No messages yet. Ask about a bill, your connection or your plan.</p>
      ) : (
        <ol className="space-y-3">
          {runs.map((run) => (
            <Fragment key={run.runId}>
              <UserMessage text={run.input} />
              <AssistantMessage
                run={run}
                selectable={runs.length > 1}
                selected={(selectedRunId ?? last?.runId) === run.runId}
                onSelect={() => onSelect(run.runId)}
              />
            </Fragment>
          ))}
          {pendingInput !== null ? <UserMessage text={pendingInput} sending /> : null}
        </ol>
      )}
    </div>
  );
}
