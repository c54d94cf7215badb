import type { StoredRunEvent } from "@/lib/orchestrator/events";

// The browser side of the public run API. Same-origin requests carry the httpOnly
// sb_customer cookie, so the page never sees the customer token.

export type ChatError = {
  kind: "session_expired" | "invalid_input" | "conversation_gone" | "run_gone" | "network" | "server";
  message: string;
};

export type StartedRun = { runId: string; conversationId: string; eventsUrl: string };
export type StoredRun = { run: { id: string; conversationId: string; status: string }; events: StoredRunEvent[] };

type Result<T> = { ok: true; value: T } | { ok: false; error: ChatError };

const SESSION_EXPIRED: ChatError = { kind: "session_expired", message: "Your chat session has expired. Pick the customer again to continue." };

async function messageFrom(res: Response): Promise<string | null> {
  // Every API error is { error: { code, message, details? } } (lib/http/errors.ts).
  const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  return typeof body?.error?.message === "string" ? body.error.message : null;
}

/** A v4 UUID; crypto.randomUUID only exists in secure contexts (https, localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** POST /api/runs: starts a run for the signed-in customer. */
export async function startRun(input: { message: string; conversationId: string | null; idempotencyKey: string }): Promise<Result<StartedRun>> {
  let res: Response;
  try {
    res = await fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": input.idempotencyKey },
      body: JSON.stringify({ message: input.message, ...(input.conversationId ? { conversationId: input.conversationId } : {}) }),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, error: { kind: "network", message: "Could not reach Switchboard. Check your connection and send again." } };
  }
  if (res.ok) return { ok: true, value: (await res.json()) as StartedRun };
  if (res.status === 401) return { ok: false, error: SESSION_EXPIRED };
  const message = await messageFrom(res);
  if (res.status === 400) return { ok: false, error: { kind: "invalid_input", message: message ?? "The message could not be sent." } };
  if (res.status === 404) {
    return { ok: false, error: { kind: "conversation_gone", message: "That conversation no longer exists. Send your message again to start a new one." } };
  }
  return { ok: false, error: { kind: "server", message: "Switchboard could not start working on your message. Try again in a moment." } };
}

/** GET /api/runs/<id>: the run and its full event log. */
export async function loadRun(runId: string): Promise<Result<StoredRun>> {
  let res: Response;
  try {
    res = await fetch(`/api/runs/${encodeURIComponent(runId)}`, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return { ok: false, error: { kind: "network", message: "Lost the connection to Switchboard." } };
  }
  if (res.ok) return { ok: true, value: (await res.json()) as StoredRun };
  if (res.status === 401) return { ok: false, error: SESSION_EXPIRED };
  if (res.status === 404) return { ok: false, error: { kind: "run_gone", message: "This conversation is no longer available." } };
  return { ok: false, error: { kind: "server", message: "Could not load the conversation." } };
}
