// The conversation this tab is in, so a reload can pick it up again. sessionStorage
// keeps it per tab; it holds ids only, and the server still checks every read.

const KEY = "switchboard.chat";
/** Enough turns to rebuild a conversation without a burst of requests on reload. */
const MAX_RUNS = 20;

export type RememberedChat = { customerId: string; conversationId: string; runIds: string[] };

export function readRememberedChat(): RememberedChat | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    const v = raw ? (JSON.parse(raw) as Partial<RememberedChat>) : null;
    if (!v || typeof v.customerId !== "string" || typeof v.conversationId !== "string" || !Array.isArray(v.runIds)) return null;
    return { customerId: v.customerId, conversationId: v.conversationId, runIds: v.runIds.filter((id): id is string => typeof id === "string").slice(-MAX_RUNS) };
  } catch {
    return null; // storage disabled or corrupt: behave as a fresh tab
  }
}

export function rememberChat(chat: RememberedChat): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify({ ...chat, runIds: chat.runIds.slice(-MAX_RUNS) }));
  } catch {}
}

export function forgetChat(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {}
}
