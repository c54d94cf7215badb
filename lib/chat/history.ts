import type { RunStatus } from "../contracts";
import type { Db } from "../db/client";
import { getConversationHistory } from "../db/queries/conversations";
import { customerView } from "../orchestrator/events";
import { listEvents } from "../orchestrator/store";
import { followUpMessage, runMessageFromEvents, type ChatMessage } from "./ui-stream";

export type ChatHistory = { conversationId: string | null; messages: ChatMessage[] };

/**
 * A customer's conversation as the chat shows it, read on the server: each
 * customer message (messages table), its run's message folded from the run's events
 * (so the agent panel has the plan and the workers), and the follow-ups people sent
 * after a review, in the order they were written.
 */
export async function loadChatHistory(db: Db, opts: { customerId: string; conversationId?: string }): Promise<ChatHistory> {
  const rows = await getConversationHistory({ db, customerId: opts.customerId, conversationId: opts.conversationId });
  if (!rows) return { conversationId: null, messages: [] };
  const timed: { at: number; order: number; message: ChatMessage }[] = [];
  for (const [i, run] of rows.runs.entries()) {
    const own = rows.messages.filter((m) => m.runId === run.id);
    const user = own.find((m) => m.role === "user");
    const at = (user?.createdAt ?? run.createdAt).getTime();
    timed.push({
      at,
      order: i * 2,
      message: { id: user?.id ?? `input-${run.id}`, role: "user", metadata: { runId: run.id }, parts: [{ type: "text", text: user?.content ?? run.input }] },
    });
    const events = (await listEvents(db, run.id)).map(customerView);
    const reply = await runMessageFromEvents(run.id, events, { conversationId: rows.conversationId, status: run.status as RunStatus });
    timed.push({ at, order: i * 2 + 1, message: reply });
    const assistant = own.filter((m) => m.role === "assistant");
    const replyIndex = assistant.findIndex((m) => m.content === run.reply);
    for (const [j, m] of assistant.entries()) {
      if (j === replyIndex) continue;
      timed.push({ at: m.createdAt.getTime(), order: i * 2 + 1, message: followUpMessage({ messageId: m.id, runId: run.id, text: m.content, at: m.createdAt.toISOString() }) });
    }
  }
  timed.sort((a, b) => a.at - b.at || a.order - b.order);
  return { conversationId: rows.conversationId, messages: timed.map((t) => t.message) };
}
