"use client";

import { readUIMessageStream } from "ai";
import { useEffect, useRef } from "react";
import { dataParts, followUpMessage, type ChatChunk, type ChatMessage, type FollowUpData } from "@/lib/chat/ui-stream";
import { followRun } from "./chat-transport";

type SetMessages = (update: (messages: ChatMessage[]) => ChatMessage[]) => void;

/** Adds a follow-up as its own message, once. */
export function addFollowUp(setMessages: SetMessages, f: FollowUpData) {
  setMessages((ms) => (ms.some((m) => m.id === f.messageId) ? ms : [...ms, followUpMessage(f)]));
}

/**
 * Keeps each run that waits for a person open in this tab: it follows the run from
 * its message's cursor until it is settled, updating that message in place (the
 * review's decision, the run's final status) and adding the follow-up message a
 * reviewer's decision sends, live, without a reload.
 */
export function useReviewWatchers(messages: ChatMessage[], setMessages: SetMessages, idle: boolean) {
  const watching = useRef(new Map<string, AbortController>());
  const latest = useRef(messages);
  useEffect(() => {
    latest.current = messages;
  });

  const lastRun = messages.findLast((m) => m.role === "assistant" && m.metadata?.runId);
  const waiting = messages
    .filter((m) => m.role === "assistant" && m.metadata?.runId && dataParts(m, "run")[0]?.status === "awaiting_review")
    // The last run's own stream may still be open; it is watched once useChat is done with it.
    .filter((m) => idle || m !== lastRun)
    .map((m) => m.id)
    .join(",");
  const present = messages.map((m) => m.id).join(",");

  // A watcher ends by itself once its run is settled; it is stopped early only when its
  // message leaves the conversation (a new conversation) or the chat closes.
  useEffect(() => {
    const ids = new Set(present.split(","));
    for (const [id, ac] of watching.current) {
      if (!ids.has(id)) {
        ac.abort();
        watching.current.delete(id);
      }
    }
  }, [present]);

  useEffect(() => {
    const ids = new Set(waiting ? waiting.split(",") : []);
    for (const id of ids) {
      if (watching.current.has(id)) continue;
      const message = latest.current.find((m) => m.id === id);
      if (!message?.metadata?.runId) continue;
      const ac = new AbortController();
      watching.current.set(id, ac);
      void watch(message, ac.signal, setMessages).finally(() => {
        if (watching.current.get(id) === ac) watching.current.delete(id);
      });
    }
  }, [waiting, setMessages]);

  useEffect(() => {
    const all = watching.current;
    return () => {
      for (const ac of all.values()) ac.abort();
      all.clear();
    };
  }, []);
}

async function watch(message: ChatMessage, signal: AbortSignal, setMessages: SetMessages) {
  const stream = followRun({ runId: message.metadata!.runId!, cursor: message.metadata?.cursor ?? 0, until: "settled", signal }).pipeThrough(
    new TransformStream<ChatChunk, ChatChunk>({
      transform(chunk, controller) {
        if (chunk.type === "data-followup") addFollowUp(setMessages, chunk.data);
        else controller.enqueue(chunk);
      },
    }),
  );
  try {
    for await (const updated of readUIMessageStream<ChatMessage>({ message: structuredClone(message), stream })) {
      if (signal.aborted) return;
      const snapshot = structuredClone(updated);
      setMessages((ms) => ms.map((m) => (m.id === snapshot.id ? snapshot : m)));
    }
  } catch {
    // Lost for good (e.g. the session ended): the next visit shows the decision.
  }
}
