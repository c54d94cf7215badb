"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { loadConversation } from "@/app/(chat)/actions";
import type { ChatHistoryProps } from "@/components/chat/chat-session";
import { Markdown } from "@/components/chat/markdown";
import { useCustomerChat } from "@/components/chat/use-customer-chat";
import type { ChatMessage } from "@/lib/chat/ui-stream";
import { WIDGET_MESSAGE } from "@/lib/widget/protocol";
import { widgetTurn, type ProgressLabels, type WidgetTurn } from "@/lib/widget/turn";
import { exchangeToken } from "./widget-api";

// The chat inside a host site's iframe. It waits for the host page's widget.js to post
// a customer token (only from the expected parent window and origin), trades it for the
// chat cookie, loads the customer's latest conversation, then chats on the same useChat
// transport as /chat (server action to start a run, the run's UI message stream to
// follow it), showing each run in the customer's words (lib/widget/turn.ts).

type Phase =
  | { kind: "connecting" }
  | { kind: "ready"; customerId: string; history: ChatHistoryProps }
  | { kind: "refused" }
  | { kind: "denied"; reason: string };

const noSubscribe = () => () => {};
/** How long a send waits for the host page to hand over a fresh token. */
const RENEWAL_TIMEOUT_MS = 15_000;

/** Whether this page is framed by `hostOrigin`: where the browser says who the parent is, that must agree. */
function framing(hostOrigin: string | null): "ok" | "refused" {
  if (!hostOrigin || window.parent === window) return "refused";
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== hostOrigin) return "refused";
  return "ok";
}

export function WidgetChat({ hostOrigin, labels }: { hostOrigin: string | null; labels: ProgressLabels }) {
  const framed = useSyncExternalStore(noSubscribe, () => framing(hostOrigin), () => "ok" as const);
  const [phase, setPhase] = useState<Phase>({ kind: "connecting" });
  // Resolved by the next token exchange, when a send found the session expired.
  const renewal = useRef<((ok: boolean) => void) | null>(null);

  const post = useCallback(
    (message: Record<string, unknown>) => {
      if (hostOrigin && window.parent !== window) window.parent.postMessage(message, hostOrigin);
    },
    [hostOrigin],
  );

  useEffect(() => {
    if (!hostOrigin || framing(hostOrigin) !== "ok") return;
    const parent = window.parent;
    async function onMessage(event: MessageEvent) {
      if (event.source !== parent || event.origin !== hostOrigin) return;
      const data = event.data as { type?: unknown; token?: unknown } | null;
      if (data?.type !== WIDGET_MESSAGE.token || typeof data.token !== "string") return;
      const result = await exchangeToken(data.token, hostOrigin!);
      post(result.ok ? { type: WIDGET_MESSAGE.session, ok: true } : { type: WIDGET_MESSAGE.session, ok: false, reason: result.reason });
      if (renewal.current) {
        // A renewal for a send in flight: the conversation stays as it is.
        renewal.current(result.ok);
        renewal.current = null;
        return;
      }
      if (!result.ok) {
        setPhase(result.reason === "forbidden:origin" ? { kind: "refused" } : { kind: "denied", reason: result.reason });
        return;
      }
      const loaded = await loadConversation().catch(() => ({ ok: false as const }));
      setPhase({ kind: "ready", customerId: result.customerId, history: loaded.ok ? loaded.history : { conversationId: null, messages: [] } });
    }
    window.addEventListener("message", onMessage);
    post({ type: WIDGET_MESSAGE.ready });
    return () => window.removeEventListener("message", onMessage);
  }, [hostOrigin, post]);

  /** Asks the host page for a fresh token; true once it was exchanged. */
  const renewSession = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          renewal.current = null;
          resolve(false);
        }, RENEWAL_TIMEOUT_MS);
        renewal.current = (ok) => {
          clearTimeout(timer);
          resolve(ok);
        };
        post({ type: WIDGET_MESSAGE.tokenNeeded });
      }),
    [post],
  );

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") post({ type: WIDGET_MESSAGE.close });
  }

  const shown: Phase = framed === "refused" ? { kind: "refused" } : phase;
  return (
    <div className="flex h-dvh flex-col bg-white text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100" onKeyDown={onKeyDown} data-testid="widget-chat" data-phase={shown.kind}>
      {shown.kind === "ready" ? (
        <WidgetConversation customerId={shown.customerId} history={shown.history} labels={labels} renewSession={renewSession} />
      ) : (
        <>
          <Conversation>{null}</Conversation>
          <p role="status" className="border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-300" data-testid="widget-status">
            {statusText(shown)}
          </p>
        </>
      )}
    </div>
  );
}

/** The conversation once the customer is known: useChat on the shared transport. */
function WidgetConversation({
  customerId,
  history,
  labels,
  renewSession,
}: {
  customerId: string;
  history: ChatHistoryProps;
  labels: ProgressLabels;
  renewSession(): Promise<boolean>;
}) {
  const { messages, status, busy, chatError, retry, draft, setDraft, send } = useCustomerChat(customerId, history, { renewSession });
  const waiting = status === "submitted" && messages.at(-1)?.role === "user";
  const error = chatError
    ? chatError.kind === "session_expired"
      ? "Your session has ended. Reload the page to chat again."
      : chatError.message
    : null;
  return (
    <>
      <Conversation>
        {messages.map((m) => (
          <WidgetMessage key={m.id} message={m} labels={labels} />
        ))}
        {waiting ? <Reply turn={{ runId: "", steps: [], text: "", state: "working" }} /> : null}
        {error ? (
          <div role="alert" className="flex flex-wrap items-center gap-2 text-sm text-red-700 dark:text-red-400" data-testid="widget-error">
            <span>{error}</span>
            {retry ? (
              <button type="button" onClick={retry} className="rounded-md px-2 py-1 font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300" data-testid="widget-retry">
                Try again
              </button>
            ) : null}
          </div>
        ) : null}
      </Conversation>
      <WidgetComposer busy={busy} value={draft} onChange={setDraft} onSend={send} />
    </>
  );
}

function WidgetMessage({ message, labels }: { message: ChatMessage; labels: ProgressLabels }) {
  if (message.role === "user") {
    const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
    return (
      <Bubble from="user" testId="widget-message-user">
        {text}
      </Bubble>
    );
  }
  if (message.metadata?.followUpOf || !message.metadata?.runId) {
    // A person's follow-up after a review.
    const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
    return (
      <Bubble from="assistant" testId="widget-message-followup">
        <Markdown text={text} />
      </Bubble>
    );
  }
  return <Reply turn={widgetTurn(message, labels)} />;
}

function statusText(phase: Phase): string {
  switch (phase.kind) {
    case "connecting":
      return "Connecting you to support…";
    case "refused":
      return "This chat can only be opened from the company's own website.";
    case "denied":
      return phase.reason === "customer_token_expired"
        ? "Your sign-in has expired. Reload the page to chat with us."
        : "We could not confirm who you are. Sign in on the website, then open the chat again.";
    case "ready":
      return "";
  }
}

function Conversation({ children }: { children: ReactNode }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  });
  return (
    <div role="log" aria-live="polite" aria-label="Conversation" className="flex-1 space-y-4 overflow-y-auto px-4 py-4">
      <Bubble from="assistant">Hi! I can help with your bill, your connection or your plan. What can I do for you?</Bubble>
      {children}
      <div ref={end} />
    </div>
  );
}

function Reply({ turn }: { turn: WidgetTurn }) {
  const working = turn.state === "working";
  return (
    <div className="space-y-2" aria-busy={working} data-testid="widget-reply" data-state={turn.state}>
      {turn.steps.length > 0 ? (
        <ul className="space-y-1 text-sm text-zinc-600 dark:text-zinc-300" aria-label="Progress" data-testid="widget-progress">
          {turn.steps.map((s) => (
            <li key={s.label} className="flex items-center gap-2" data-state={s.state} data-testid="widget-step">
              <StepIcon state={s.state} />
              <span>{s.label}</span>
              <span className="sr-only">{s.state === "working" ? "(in progress)" : s.state === "done" ? "(done)" : "(could not finish)"}</span>
            </li>
          ))}
        </ul>
      ) : working ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-300">Reading your message…</p>
      ) : null}
      {turn.text ? (
        <Bubble from="assistant" testId="widget-message-assistant">
          <Markdown text={turn.text} />
        </Bubble>
      ) : null}
      {turn.state === "followup" ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="widget-followup">
          A member of our team will look at this and follow up here.
        </p>
      ) : null}
    </div>
  );
}

function StepIcon({ state }: { state: "working" | "done" | "failed" }) {
  if (state === "working") {
    return <span aria-hidden className="size-3.5 animate-spin rounded-full border-2 border-indigo-500 border-t-transparent motion-reduce:animate-none" />;
  }
  return (
    <span aria-hidden className={`flex size-3.5 items-center justify-center text-xs ${state === "done" ? "text-emerald-600 dark:text-emerald-400" : "text-zinc-400"}`}>
      {state === "done" ? "✓" : "–"}
    </span>
  );
}

function Bubble({ from, children, testId }: { from: "user" | "assistant"; children: ReactNode; testId?: string }) {
  const user = from === "user";
  return (
    <div className={`flex ${user ? "justify-end" : "justify-start"}`}>
      <div
        className={`max-w-[85%] whitespace-pre-wrap [&_p]:whitespace-normal rounded-2xl px-3.5 py-2 text-sm leading-6 ${
          user ? "rounded-br-sm bg-indigo-600 text-white" : "rounded-bl-sm bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
        }`}
        data-testid={testId}
      >
        {children}
      </div>
    </div>
  );
}

function WidgetComposer({ busy, value, onChange, onSend }: { busy: boolean; value: string; onChange(text: string): void; onSend(message: string): void }) {
  const canSend = !busy && value.trim().length > 0;

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (canSend) onSend(value);
  }

  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-zinc-200 p-3 dark:border-zinc-700">
      <label htmlFor="widget-message" className="sr-only">
        Message
      </label>
      <textarea
        id="widget-message"
        rows={2}
        maxLength={4000}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
        placeholder="Type your message…"
        className="block w-full resize-none rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100 dark:placeholder:text-zinc-500"
        data-testid="widget-input"
      />
      <button
        type="submit"
        disabled={!canSend}
        className="rounded-lg bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-50"
        data-testid="widget-send"
      >
        {busy ? "…" : "Send"}
        {busy ? <span className="sr-only">Working</span> : null}
      </button>
    </form>
  );
}
