import "server-only";
import { readCustomerFromRequest, customerUnauthorizedResponse } from "@/lib/auth/customer-session";
import { getStaffSession } from "@/lib/auth/session";
import { getEngine } from "@/lib/server/engine";

/**
 * A run is visible to its own customer (token or chat cookie) and to staff. Anyone
 * else gets 404, not 403, so run ids cannot be probed.
 */
export async function authorizeRunRead(
  req: Request,
  runId: string,
): Promise<{ ok: true; viewer: "staff" | "customer" } | { ok: false; response: Response }> {
  const noStore = { "cache-control": "no-store" };
  if (!/^[0-9a-f-]{36}$/i.test(runId)) return { ok: false, response: Response.json({ error: "not_found" }, { status: 404, headers: noStore }) };
  const run = await getEngine().db.run.findUnique({ where: { id: runId }, select: { customerId: true } });
  const staff = await getStaffSession();
  if (staff && run) return { ok: true, viewer: "staff" };
  const who = readCustomerFromRequest(req);
  if (!who.ok && !staff) return { ok: false, response: customerUnauthorizedResponse(who) };
  if (!run || !who.ok || who.customerId !== run.customerId) {
    return { ok: false, response: Response.json({ error: "not_found" }, { status: 404, headers: noStore }) };
  }
  return { ok: true, viewer: "customer" };
}
