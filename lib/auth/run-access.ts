import "server-only";
import type { Db } from "../db/client";
import { getRunOwner } from "../db/queries/runs";
import { customerTokenError } from "./errors";
import { ApiError } from "../http/errors";
import { readCustomerFromRequest } from "./customer-session";
import type { VerifyResult } from "../tokens/customer-token";
import { AREA_ROLES, type StaffIdentity, type StaffRole } from "./roles";
import { getStaffSession } from "./session";

// The one rule for reading a run (its plan, events and reply), used by the run API
// (GET /api/runs/:id, /events, /stream) and the audit trail's run page alike:
//   - the run's own customer, by customer token or chat cookie, reads the customer's
//     view of it (no internals, no reviewer notes);
//   - staff with the audit role (auditors and admins) read everything;
//   - nobody else. A reviewer reads what a review needs on the review item's page
//     (server-rendered from its own queries), not any run through the API.
// A customer is told 404 for a run that is not theirs, so run ids cannot be probed; a
// staff member without the role is told 403, as the audit page shows them.

/** Staff roles that may read any run: the audit trail's. */
export const RUN_READER_ROLES: readonly StaffRole[] = AREA_ROLES.audit;

export type RunViewer = "staff" | "customer";

export type RunReadDecision =
  | { ok: true; viewer: RunViewer }
  | { ok: false; refusal: "not_found" }
  | { ok: false; refusal: "forbidden" }
  | { ok: false; refusal: "unauthenticated"; token: Extract<VerifyResult, { ok: false }> };

/** Whether a staff member may read runs at all. */
function staffReadsRuns(staff: StaffIdentity | null): boolean {
  return staff !== null && RUN_READER_ROLES.includes(staff.role);
}

/** The rule itself, on what the request proved: who owns the run (null: no such run), the staff session, the customer token. */
export function decideRunRead({ runCustomerId, staff, customer }: { runCustomerId: string | null; staff: StaffIdentity | null; customer: VerifyResult }): RunReadDecision {
  if (staffReadsRuns(staff)) return runCustomerId === null ? { ok: false, refusal: "not_found" } : { ok: true, viewer: "staff" };
  if (customer.ok && runCustomerId !== null && customer.customerId === runCustomerId) return { ok: true, viewer: "customer" };
  if (staff) return { ok: false, refusal: "forbidden" };
  if (customer.ok) return { ok: false, refusal: "not_found" };
  return { ok: false, refusal: "unauthenticated", token: customer };
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For the run API's route handlers: which view of the run this request may read.
 * Throws the ApiError to answer with when it may not (401 without credentials, 403
 * for staff without the audit role, 404 for a run that is not the caller's).
 */
export async function authorizeRunRead(req: Request, { db, runId }: { db: Db; runId: string }): Promise<RunViewer> {
  const [owner, staff, customer] = await Promise.all([
    RUN_ID.test(runId) ? getRunOwner({ db, runId }) : null,
    getStaffSession(),
    readCustomerFromRequest(req),
  ]);
  const decision = decideRunRead({ runCustomerId: owner?.customerId ?? null, staff, customer });
  if (decision.ok) return decision.viewer;
  if (decision.refusal === "unauthenticated") throw customerTokenError(decision.token, "run");
  if (decision.refusal === "forbidden") {
    throw new ApiError("forbidden:run", "Reading a run needs the audit role (auditor or admin); reviewers see what a review needs on its page.");
  }
  throw new ApiError("not_found:run", "No such run.");
}
