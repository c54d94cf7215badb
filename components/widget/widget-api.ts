// The widget's one call of its own, same-origin from the /widget iframe: the token
// exchange. Everything after it (starting and following runs) goes through the chat's
// useChat transport, authenticated by the httpOnly cookie this call sets.

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
