import type { Db } from "../db/client";

/** The last exchange before a message, cut short: what the supervisor is told of earlier turns. */
export type ConversationContext = { customer: string | null; reply: string | null };

const MAX_CHARS = 400;

function cut(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_CHARS ? `${flat.slice(0, MAX_CHARS - 1)}…` : flat;
}

/**
 * The customer's previous message and the latest assistant message (a reply or a
 * follow-up) before this run, truncated; null for the first message of a
 * conversation. Only the planning call sees it, never the workers.
 */
export async function loadConversationContext(db: Db, run: { id: string; conversationId: string; createdAt: Date }): Promise<ConversationContext | null> {
  const earlier = await db.message.findMany({
    where: { conversationId: run.conversationId, createdAt: { lte: run.createdAt }, NOT: { runId: run.id } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { role: true, content: true },
  });
  const customer = earlier.find((m) => m.role === "user")?.content ?? null;
  const reply = earlier.find((m) => m.role === "assistant")?.content ?? null;
  if (customer === null && reply === null) return null;
  return { customer: customer && cut(customer), reply: reply && cut(reply) };
}

/** The context as the lines added to the supervisor's system prompt. */
export function contextPrompt(context: ConversationContext): string {
  return [
    "Earlier in this conversation (for context only: plan only the customer's new message):",
    ...(context.customer ? [`Customer: ${context.customer}`] : []),
    ...(context.reply ? [`Team: ${context.reply}`] : []),
  ].join("\n");
}
