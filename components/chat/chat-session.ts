import { Chat } from "@ai-sdk/react";
import type { ChatMessage } from "@/lib/chat/ui-stream";
import { RunChatTransport } from "./chat-transport";

export type ChatHistoryProps = { conversationId: string | null; messages: ChatMessage[] };

type ChatHandlers = { onError(e: Error): void; onData(part: { type: string; data: unknown }): void };

/** A v4 UUID (message ids double as idempotency keys); crypto.randomUUID exists only in secure contexts. */
function newMessageId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One Chat per customer conversation, made outside React's render: its transport
 * starts runs with the server action and follows them on each run's UI message
 * stream. It keeps the conversation id and the latest callbacks the page gives it.
 * The demo chat (/chat) and the widget (/widget) both use it.
 */
export class CustomerChatSession {
  conversationId: string | null;
  handlers: ChatHandlers = { onError() {}, onData() {} };
  readonly chat: Chat<ChatMessage>;

  constructor(customerId: string, history: ChatHistoryProps, opts: { renewSession?(): Promise<boolean> } = {}) {
    this.conversationId = history.conversationId;
    const chat: Chat<ChatMessage> = new Chat<ChatMessage>({
      id: `chat-${customerId}-${history.conversationId ?? "new"}`,
      messages: history.messages,
      generateId: newMessageId,
      transport: new RunChatTransport({
        conversationId: () => this.conversationId,
        onConversation: (id) => this.setConversation(id),
        messages: () => chat.messages,
        renewSession: opts.renewSession,
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
