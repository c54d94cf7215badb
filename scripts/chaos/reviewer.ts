// A reviewer over HTTP, for the faults that must hit the app process doing the work
// (retry_kill: the retry of a failed part runs in the process that got the POST). The
// staff session cookie is minted with the app's AUTH_SECRET, as Auth.js would after a
// sign-in; the claim itself is made from the script (lib), as round.ts does.
import { encode } from "next-auth/jwt";
import type { Db } from "../../lib/db/client";
import { AUTH_SECRET, type AppProcess } from "./cluster";

const COOKIE = "authjs.session-token"; // plain http: no __Secure- prefix

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: string;
}

export async function staffByEmail(db: Db, email: string): Promise<Staff> {
  const row = await db.staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, role: true } });
  return row;
}

/** A session cookie for `staff`, valid for an hour. */
export async function staffCookie(staff: Staff): Promise<string> {
  const token = await encode({
    token: { sub: staff.id, name: staff.name, email: staff.email, role: staff.role, signedInAt: Date.now() },
    secret: AUTH_SECRET,
    salt: COOKIE,
    maxAge: 3600,
  });
  return `${COOKIE}=${token}`;
}

export interface DecisionAnswer {
  status: number;
  reason: string | null;
  /** Seconds from a 503's Retry-After (a database too busy to answer in time). */
  retryAfterS?: number;
}

/**
 * POSTs a decision as a reviewer at the page would: a 503 (the database too busy to
 * answer in time; nothing of it committed) is tried again after its Retry-After, up to
 * `patience` times. `busy` counts the 503s met on the way.
 */
export async function postDecisionPatiently(app: AppProcess, cookie: string, reviewId: string, body: Record<string, unknown>, patience = 3): Promise<DecisionAnswer & { busy: number }> {
  for (let busy = 0; ; busy++) {
    const answer = await postDecision(app, cookie, reviewId, body);
    if (answer.status !== 503 || busy >= patience) return { ...answer, busy };
    await new Promise((r) => setTimeout(r, (answer.retryAfterS ?? 2) * 1_000));
  }
}

/** POSTs a decision (`retry` here) for a review item to one app process, as the review page does. */
export async function postDecision(app: AppProcess, cookie: string, reviewId: string, body: Record<string, unknown>, timeoutMs = 60_000): Promise<DecisionAnswer> {
  const origin = `http://127.0.0.1:${app.port}`;
  const res = await fetch(`${origin}/api/reviews/${reviewId}/decision`, {
    method: "POST",
    headers: { cookie, origin, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: { details?: { reason?: string } } };
  const retryAfter = Number(res.headers.get("retry-after"));
  return { status: res.status, reason: json.error?.details?.reason ?? null, ...(retryAfter > 0 ? { retryAfterS: retryAfter } : {}) };
}
