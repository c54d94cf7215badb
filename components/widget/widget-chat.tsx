"use client";

import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { WIDGET_MESSAGE } from "@/lib/widget/protocol";
import { applyEvent, FAILED_REPLY, startTurn, type ProgressLabels, type WidgetTurn } from "@/lib/widget/turn";
import { exchangeToken, followRun, newIdempotencyKey, startRun } from "./widget-api";

// The chat inside a host site's iframe. It waits for the host page's widget.js to post
// a customer token (only from the expected parent window and origin), trades it for the
// chat cookie, then talks to the public run API.
//
// A minimal client of its own: /chat's chat component is being rebuilt on useChat, and
// the widget should move onto it once that lands.

type Phase = { kind: "connecting" } | { kind: "ready" } | { kind: "refused" } | { kind: "denied"; reason: string };
type Exchange = { id: string; message: string; turn: WidgetTurn | null; error: string | null };

const noSubscribe = () => () => {};

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
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [busy, setBusy] = useState(false);
  const conversationId = useRef<string | null>(null);
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
      renewal.current?.(result.ok);
      renewal.current = null;
      if (result.ok) setPhase({ kind: "ready" });
      else setPhase(result.reason === "forbidden:origin" ? { kind: "refused" } : { kind: "denied", reason: result.reason });
    }
    window.addEventListener("message", onMessage);
    post({ type: WIDGET_MESSAGE.ready });
    return () => window.removeEventListener("message", onMessage);
  }, [hostOrigin, post]);

  const update = useCallback((id: string, change: (x: Exchange) => Exchange) => {
    setExchanges((all) => all.map((x) => (x.id === id ? change(x) : x)));
  }, []);

  async function send(message: string): Promise<boolean> {
    const id = newIdempotencyKey();
    setBusy(true);
    setExchanges((all) => [...all, { id, message, turn: null, error: null }]);
    let started = await startRun(message, conversationId.current, id);
    if (!started.ok && started.error === "unauthorized") {
      // The session ran out: ask the host page for a fresh token, then try once more.
      const renewed = new Promise<boolean>((resolve) => (renewal.current = resolve));
      post({ type: WIDGET_MESSAGE.tokenNeeded });
      if (await renewed) started = await startRun(message, conversationId.current, id);
    }
    if (!started.ok) {
      update(id, (x) => ({ ...x, error: started.ok ? null : started.error === "unauthorized" ? "Your session has ended. Reload the page to chat again." : FAILED_REPLY }));
      setBusy(false);
      return false;
    }
    conversationId.current = started.conversationId;
    const runId = started.runId;
    update(id, (x) => ({ ...x, turn: startTurn(runId) }));
    followRun(runId, {
      event: (e) => update(id, (x) => (x.turn ? { ...x, turn: applyEvent(x.turn, e, labels) } : x)),
      end: () => setBusy(false),
      broken: () => {
        update(id, (x) => ({ ...x, error: "Lost the connection. Your message was received; reload to see the answer." }));
        setBusy(false);
      },
    });
    return true;
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") post({ type: WIDGET_MESSAGE.close });
  }

  const shown: Phase = framed === "refused" ? { kind: "refused" } : phase;
  return (
    <div className="flex h-dvh flex-col bg-white text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100" onKeyDown={onKeyDown} data-testid="widget-chat" data-phase={shown.kind}>
      <Conversation exchanges={exchanges} />
      {shown.kind === "ready" ? (
        <WidgetComposer busy={busy} onSend={send} />
      ) : (
        <p role="status" className="border-t border-zinc-200 px-4 py-3 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-300" data-testid="widget-status">
          {statusText(shown)}
        </p>
      )}
    </div>
  );
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

function Conversation({ exchanges }: { exchanges: Exchange[] }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [exchanges]);
  return (
    <div role="log" aria-live="polite" aria-label="Conversation" className="flex-1 space-y-4 overflow-y-auto px-4 py-4">
      <Bubble from="assistant">Hi! I can help with your bill, your connection or your plan. What can I do for you?</Bubble>
      {exchanges.map((x) => (
        <div key={x.id} className="space-y-3">
          <Bubble from="user" testId="widget-message-user">
            {x.message}
          </Bubble>
          {x.turn ? <Reply turn={x.turn} /> : null}
          {x.error ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="widget-error">
              {x.error}
            </p>
          ) : null}
        </div>
      ))}
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
          {turn.text}
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
      <p
        className={`max-w-[85%] whitespace-pre-wrap rounded-2xl px-3.5 py-2 text-sm leading-6 ${
          user ? "rounded-br-sm bg-indigo-600 text-white" : "rounded-bl-sm bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
        }`}
        data-testid={testId}
      >
        {children}
      </p>
    </div>
  );
}

function WidgetComposer({ busy, onSend }: { busy: boolean; onSend(message: string): Promise<boolean> }) {
  const [text, setText] = useState("");
  const canSend = !busy && text.trim().length > 0;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSend) return;
    const sent = text;
    setText("");
    if (!(await onSend(sent))) setText((current) => current || sent);
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
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void submit();
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
