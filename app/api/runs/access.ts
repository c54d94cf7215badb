import "server-only";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { getStaffSession } from "@/lib/auth/session";
import { getRunOwner } from "@/lib/db/queries/runs";
import { customerTokenError } from "@/lib/http/auth-errors";
import { ApiError } from "@/lib/http/errors";
import type { Db } from "@/lib/db/client";

export type RunViewer = "staff" | "customer";

const notFound = () => new ApiError("not_found:run", "No such run.");

/**
 * Who is reading a run: its own customer (token or chat cookie) or staff. Anyone
 * else gets not_found:run (404), not 403, so run ids cannot be probed. Throws an
 * ApiError when the caller may not read it.
 */
export async function authorizeRunRead(req: Request, { db, runId }: { db: Db; runId: string }): Promise<RunViewer> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw notFound();
  const run = await getRunOwner({ db, runId });
  const staff = await getStaffSession();
  if (staff && run) return "staff";
  const who = await readCustomerFromRequest(req);
  if (!who.ok && !staff) throw customerTokenError(who, "run");
  if (!run || !who.ok || who.customerId !== run.customerId) throw notFound();
  return "customer";
}
