"use client";

import { useEffect, useRef, useState } from "react";
import { isTerminal } from "@/lib/chat/run-view";
import type { StoredRunEvent } from "@/lib/orchestrator/events";

/** Which run to follow, from which event on; a new object re-attaches. */
export type StreamTarget = { runId: string; after: number };

export type StreamHandlers = {
  onEvent(runId: string, event: StoredRunEvent): void;
  /** The run's last event arrived; the stream is closed. */
  onEnd(runId: string): void;
  /** The browser gave up on the stream (e.g. a 401 or 404): the caller decides what next. */
  onBroken(runId: string): void;
};

export type StreamConnection = "idle" | "connecting" | "open" | "reconnecting";

/**
 * Follows one run's server-sent events. After a dropped connection the browser
 * reconnects by itself with Last-Event-ID, so nothing is lost or repeated; the
 * stream is closed as soon as the run's final event arrives.
 */
export function useRunStream(target: StreamTarget | null, handlers: StreamHandlers): StreamConnection {
  // What the stream of one target last reported. A new target reads as "connecting"
  // (no target as "idle") until its stream reports; derived below rather than set
  // synchronously inside the effect, which would cost a second render.
  const [reported, setReported] = useState<{ target: StreamTarget; connection: StreamConnection } | null>(null);
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });

  useEffect(() => {
    if (!target) return;
    const setConnection = (connection: StreamConnection) => setReported({ target, connection });
    const { runId, after } = target;
    const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events${after > 0 ? `?after=${after}` : ""}`);
    let done = false;
    es.addEventListener("open", () => setConnection("open"));
    es.addEventListener("run", (msg) => {
      let event: StoredRunEvent;
      try {
        event = JSON.parse((msg as MessageEvent<string>).data) as StoredRunEvent;
      } catch {
        return; // not one of ours; the next event still arrives
      }
      handlersRef.current.onEvent(runId, event);
      if (isTerminal(event)) {
        done = true;
        es.close();
        setConnection("idle");
        handlersRef.current.onEnd(runId);
      }
    });
    es.addEventListener("error", () => {
      if (done) return;
      if (es.readyState === EventSource.CLOSED) {
        done = true;
        setConnection("idle");
        handlersRef.current.onBroken(runId);
      } else {
        setConnection("reconnecting");
      }
    });
    return () => {
      done = true;
      es.close();
    };
  }, [target]);

  if (!target) return "idle";
  return reported?.target === target ? reported.connection : "connecting";
}
