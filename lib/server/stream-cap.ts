import "server-only";
import { readCustomerFromRequest } from "../auth/customer-session";
import { getStaffSession } from "../auth/session";
import { clientIp } from "../http/client-address";
import { streamLimits } from "../http/rate-limits";
import { holdWhileStreaming, takeStreamSlots, type SlotRequest } from "../http/stream-slots";

// The cap on concurrent event streams (GET /api/runs/:id/events, /api/runs/:id/stream,
// /api/reviews/events), around a route handler: a slot per principal and per client
// address is taken before the handler runs and given back when its response ends, or
// at once when it answers with an error. A caller past a cap gets 429
// rate_limited:stream (lib/http/stream-slots.ts), before any stream is opened.

/**
 * Who holds the stream: a staff member (session) or a customer (Bearer token or chat
 * cookie), as the handlers themselves decide it; null for a caller that is neither,
 * whom the handler will refuse (only the address counts for them).
 */
async function streamPrincipal(req: Request): Promise<string | null> {
  const staff = await getStaffSession();
  if (staff) return `staff:${staff.id}`;
  const customer = await readCustomerFromRequest(req);
  return customer.ok ? `customer:${customer.customerId}` : null;
}

/** Wraps a streaming GET handler with the per-principal and per-address caps. */
export function withStreamCap<Rest extends unknown[]>(handler: (req: Request, ...rest: Rest) => Promise<Response>) {
  return async (req: Request, ...rest: Rest): Promise<Response> => {
    const limits = streamLimits();
    const principal = await streamPrincipal(req);
    const requests: SlotRequest[] = [{ which: "streams_per_ip", key: `ip:${clientIp(req.headers)}`, max: limits.perIp }];
    if (principal) requests.unshift({ which: "streams_per_principal", key: `principal:${principal}`, max: limits.perPrincipal });
    const slots = takeStreamSlots(requests);
    let res: Response;
    try {
      res = await handler(req, ...rest);
    } catch (err) {
      slots.release();
      throw err;
    }
    // An error answer (not found, unauthorized) is no stream: its slots go back at once.
    if (!res.ok) {
      slots.release();
      return res;
    }
    return holdWhileStreaming(res, slots, req.signal);
  };
}
