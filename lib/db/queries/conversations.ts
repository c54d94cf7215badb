import "server-only";
import type { Db } from "../client";

// The chat's reads of conversations: its history for the page, and the follow-ups a
// person's review decision added to a run.

export type FollowUpRow = { id: string; runId: string; content: string; createdAt: Date };

/**
 * The follow-up messages of a run: its assistant messages other than the reply
 * itself (the first one whose text is the run's reply), oldest first.
 */
export async function listFollowUps({ db, runId }: { db: Db; runId: string }): Promise<FollowUpRow[]> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { reply: true } });
  const rows = await db.message.findMany({
    where: { runId, role: "assistant" },
    orderBy: { createdAt: "asc" },
    select: { id: true, runId: true, content: true, createdAt: true },
  });
  const replyIndex = rows.findIndex((m) => m.content === run?.reply);
  return rows.filter((_, i) => i !== replyIndex).map((m) => ({ ...m, runId }));
}

export type ConversationHistoryRows = {
  conversationId: string;
  /** The most recent runs, oldest first. */
  runs: { id: string; status: string; input: string; reply: string | null; createdAt: Date }[];
  /** Every message of those runs, oldest first. */
  messages: { id: string; role: string; content: string; runId: string | null; createdAt: Date }[];
};

/**
 * A customer's conversation for the chat page: the one asked for, else their latest.
 * Null when they have none (or the id is not theirs).
 */
export async function getConversationHistory({
  db,
  customerId,
  conversationId,
  limit = 20,
}: {
  db: Db;
  customerId: string;
  conversationId?: string;
  limit?: number;
}): Promise<ConversationHistoryRows | null> {
  const conversation = await db.conversation.findFirst({
    where: { customerId, ...(conversationId ? { id: conversationId } : {}) },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!conversation) return null;
  const runs = (
    await db.run.findMany({
      where: { conversationId: conversation.id },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: { id: true, status: true, input: true, reply: true, createdAt: true },
    })
  ).reverse();
  const messages = await db.message.findMany({
    where: { conversationId: conversation.id, runId: { in: runs.map((r) => r.id) } },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, content: true, runId: true, createdAt: true },
  });
  return { conversationId: conversation.id, runs, messages };
}
