"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import { applyEvents, emptyRun, isTerminal, type RunView } from "@/lib/chat/run-view";
import type { StoredRunEvent } from "@/lib/orchestrator/events";
import { loadRun, newIdempotencyKey, startRun, type ChatError, type StoredRun } from "./chat-api";
import { forgetChat, readRememberedChat, rememberChat } from "./chat-storage";
import { useRunStream, type StreamConnection, type StreamTarget } from "./use-run-stream";

// One customer's conversation in this tab: the runs it has had (each a customer
// message and its reply), sending the next message, and following the live run.

type State = {
  /** Restoring a remembered conversation after a reload. */
  restoring: boolean;
  conversationId: string | null;
  runs: RunView[];
  /** A message on its way to POST /api/runs, shown before the run exists. */
  pendingInput: string | null;
  stream: StreamTarget | null;
  /** Consecutive stream failures, for backing off and eventually giving up. */
  streamFailures: number;
  error: ChatError | null;
};

type Action =
  | { type: "restored"; conversationId: string | null; runs: RunView[]; error: ChatError | null }
  | { type: "send_started"; input: string }
  | { type: "send_failed"; error: ChatError }
  | { type: "run_created"; runId: string; conversationId: string; input: string }
  | { type: "events"; runId: string; events: StoredRunEvent[]; live?: boolean; failed?: boolean }
  | { type: "stream_ended"; runId: string }
  | { type: "stream_retry"; runId: string }
  | { type: "error"; error: ChatError };

const initial: State = { restoring: true, conversationId: null, runs: [], pendingInput: null, stream: null, streamFailures: 0, error: null };

function follow(run: RunView | undefined): StreamTarget | null {
  return run && run.phase === "running" ? { runId: run.runId, after: run.lastSeq } : null;
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "restored":
      return { ...state, restoring: false, conversationId: action.conversationId, runs: action.runs, stream: follow(action.runs.at(-1)), error: action.error };
    case "send_started":
      return { ...state, pendingInput: action.input, error: null };
    case "send_failed":
      return {
        ...state,
        pendingInput: null,
        error: action.error,
        // The server no longer knows this conversation: the next message starts a new one.
        ...(action.error.kind === "conversation_gone" ? { conversationId: null, runs: [] } : {}),
      };
    case "run_created": {
      // The same Idempotency-Key can return a run we already show; never list it twice.
      const known = state.runs.some((r) => r.runId === action.runId);
      const runs = known ? state.runs : [...state.runs, emptyRun(action.runId, action.input)];
      const run = runs.find((r) => r.runId === action.runId);
      return { ...state, pendingInput: null, conversationId: action.conversationId, runs, stream: follow(run), streamFailures: 0 };
    }
    case "events": {
      const runs = state.runs.map((r) => {
        if (r.runId !== action.runId) return r;
        const next = applyEvents(r, action.events);
        return action.failed && next.phase === "running" ? { ...next, phase: "failed" as const } : next;
      });
      // An event over the live stream proves it works again; a catch-up read does not.
      return { ...state, runs, streamFailures: action.live ? 0 : state.streamFailures };
    }
    case "stream_ended":
      return state.stream?.runId === action.runId ? { ...state, stream: null, streamFailures: 0 } : state;
    case "stream_retry": {
      const run = state.runs.find((r) => r.runId === action.runId);
      return { ...state, stream: follow(run), streamFailures: state.streamFailures + 1 };
    }
    case "error":
      return { ...state, error: action.error, stream: null };
  }
}

/** Folds a stored run (GET /api/runs/<id>) into its view. */
function viewOf(stored: StoredRun): RunView {
  const view = applyEvents(emptyRun(stored.run.id), stored.events);
  // A run can end failed without a final event reaching the log (e.g. a crash while failing).
  return stored.run.status === "failed" && view.phase === "running" ? { ...view, phase: "failed" } : view;
}

const MAX_STREAM_FAILURES = 5;

export type Conversation = {
  restoring: boolean;
  runs: RunView[];
  pendingInput: string | null;
  /** A run is in progress (sending or streaming): the composer waits. */
  busy: boolean;
  connection: StreamConnection;
  error: ChatError | null;
  /** Sends one message; resolves true once the run has started. */
  send(message: string): Promise<boolean>;
};

export function useConversation(customerId: string): Conversation {
  const [state, dispatch] = useReducer(reducer, initial);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  });
  // Guards against a double click before React has re-rendered the disabled button.
  const sending = useRef(false);

  // On load: pick the remembered conversation up again, if it is this customer's.
  useEffect(() => {
    const remembered = readRememberedChat();
    if (!remembered || remembered.customerId !== customerId) {
      forgetChat();
      dispatch({ type: "restored", conversationId: null, runs: [], error: null });
      return;
    }
    let cancelled = false;
    void Promise.all(remembered.runIds.map(loadRun)).then((results) => {
      if (cancelled) return;
      const expired = results.find((r) => !r.ok && r.error.kind === "session_expired");
      const runs = results.flatMap((r) => (r.ok && r.value.run.conversationId === remembered.conversationId ? [viewOf(r.value)] : []));
      if (runs.length === 0) forgetChat();
      dispatch({
        type: "restored",
        conversationId: runs.length ? remembered.conversationId : null,
        runs,
        error: expired && !expired.ok ? expired.error : null,
      });
    });
    return () => {
      cancelled = true;
    };
  }, [customerId]);

  // Remember the conversation whenever it gains a run.
  const runIds = state.runs.map((r) => r.runId).join(",");
  useEffect(() => {
    if (state.restoring || !state.conversationId || !runIds) return;
    rememberChat({ customerId, conversationId: state.conversationId, runIds: runIds.split(",") });
  }, [customerId, state.restoring, state.conversationId, runIds]);

  const connection = useRunStream(state.stream, {
    onEvent: (runId, event) => dispatch({ type: "events", runId, events: [event], live: true }),
    onEnd: (runId) => dispatch({ type: "stream_ended", runId }),
    onBroken: (runId) => {
      // Ask the API why: an expired session and a vanished run are final; anything
      // else is retried with backoff after catching up from the stored log.
      void loadRun(runId).then((res) => {
        if (!res.ok && (res.error.kind === "session_expired" || res.error.kind === "run_gone")) {
          dispatch({ type: "error", error: res.error });
          return;
        }
        if (res.ok) {
          const failed = res.value.run.status === "failed";
          dispatch({ type: "events", runId, events: res.value.events, failed });
          if (failed || res.value.events.some(isTerminal)) {
            dispatch({ type: "stream_ended", runId });
            return;
          }
        }
        const failures = stateRef.current.streamFailures;
        if (failures >= MAX_STREAM_FAILURES) {
          dispatch({ type: "error", error: { kind: "network", message: "Lost the live connection to this conversation. Reload the page to catch up." } });
          return;
        }
        setTimeout(() => dispatch({ type: "stream_retry", runId }), 1000 * 2 ** failures);
      });
    },
  });

  const send = useCallback(
    async (message: string) => {
      const text = message.trim();
      const s = stateRef.current;
      if (!text || sending.current || s.stream || s.restoring) return false;
      sending.current = true;
      dispatch({ type: "send_started", input: text });
      try {
        const res = await startRun({ message: text, conversationId: s.conversationId, idempotencyKey: newIdempotencyKey() });
        if (!res.ok) {
          if (res.error.kind === "conversation_gone") forgetChat();
          dispatch({ type: "send_failed", error: res.error });
          return false;
        }
        dispatch({ type: "run_created", runId: res.value.runId, conversationId: res.value.conversationId, input: text });
        return true;
      } finally {
        sending.current = false;
      }
    },
    [],
  );

  return {
    restoring: state.restoring,
    runs: state.runs,
    pendingInput: state.pendingInput,
    busy: state.pendingInput !== null || state.stream !== null,
    connection,
    error: state.error,
    send,
  };
}
