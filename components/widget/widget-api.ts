import type { StoredRunEvent } from "@/lib/orchestrator/events";

// The widget's calls to Switchboard, all same-origin from the /widget iframe: the token
// exchange, then the public run API authenticated by the httpOnly cookie it set.

export type ExchangeResult = { ok: true; customerId: string } | { ok: false; reason: string };

/** POST /api/widget/session: trades the host's token for the chat cookie. */
export async function exchangeToken(token: string, hostOrigin: string): Promise<ExchangeResult> {
  try {
    const res = await fetch("/api/widget/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, hostOrigin }),
      credentials: "same-origin",
    });
    const body = (await res.json().catch(() => null)) as { customerId?: string; error?: { code?: string; details?: { reason?: string } } } | null;
    if (res.ok && body?.customerId) return { ok: true, customerId: body.customerId };
    return { ok: false, reason: body?.error?.details?.reason ?? body?.error?.code ?? `http_${res.status}` };
  } catch {
    return { ok: false, reason: "network" };
  }
}

export type StartResult = { ok: true; runId: string; conversationId: string } | { ok: false; error: "unauthorized" | "invalid" | "failed" };

/** POST /api/runs with the cookie. */
export async function startRun(message: string, conversationId: string | null, idempotencyKey: string): Promise<StartResult> {
  try {
    const res = await fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify({ message, ...(conversationId ? { conversationId } : {}) }),
      credentials: "same-origin",
    });
    if (res.ok) {
      const body = (await res.json()) as { runId: string; conversationId: string };
      return { ok: true, runId: body.runId, conversationId: body.conversationId };
    }
    if (res.status === 401) return { ok: false, error: "unauthorized" };
    return { ok: false, error: res.status === 400 || res.status === 404 ? "invalid" : "failed" };
  } catch {
    return { ok: false, error: "failed" };
  }
}

/**
 * Follows GET /api/runs/:id/events until the run's last event. The browser reconnects by
 * itself with Last-Event-ID. Returns a function that stops following.
 */
export function followRun(runId: string, on: { event(e: StoredRunEvent): void; end(): void; broken(): void }): () => void {
  const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  let done = false;
  es.addEventListener("run", (msg) => {
    let event: StoredRunEvent;
    try {
      event = JSON.parse((msg as MessageEvent<string>).data) as StoredRunEvent;
    } catch {
      return;
    }
    on.event(event);
    if (event.type === "run_finished") {
      done = true;
      es.close();
      on.end();
    }
  });
  es.addEventListener("error", () => {
    if (!done && es.readyState === EventSource.CLOSED) {
      done = true;
      on.broken();
    }
  });
  return () => {
    done = true;
    es.close();
  };
}

/** A v4 UUID; crypto.randomUUID exists only in secure contexts. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
