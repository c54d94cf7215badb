import { STAFF_ROLES } from "@/lib/auth/roles";
import { checkAccess } from "@/lib/auth/roles";
import { getStaffSession } from "@/lib/auth/session";
import { REVIEW_QUEUE_TOPIC } from "@/lib/db/run-notifications";
import { pendingQueueFingerprint } from "@/lib/db/queries/review-queue";
import { staffAccessError } from "@/lib/auth/errors";
import { withApiErrors } from "@/lib/http/errors";
import { withStreamCap } from "@/lib/server/stream-cap";
import { sseResponse } from "@/lib/http/sse";
import { log } from "@/lib/log";
import { getEngine, getRunWakeups } from "@/lib/server/app-process";

export const dynamic = "force-dynamic";

/** How often to reread when notifications cannot be trusted (the embedded database delivers none). */
const POLL_MS = 2_000;
/** A live listener still rereads now and then: a safety net, and the keep-alive. */
const IDLE_MS = 15_000;
/** The browser's EventSource reconnects by itself; a bounded stream frees the server's resources. */
const MAX_MS = 10 * 60_000;

/**
 * Server-sent events for the review queue: `{ pending, fingerprint }` at once and
 * whenever the pending set changes (an item requested, claimed, released or decided,
 * in any app process). Pages refresh from it; the table stays the source of truth.
 */
export const GET = withApiErrors("review", withStreamCap(async (req: Request) => {
  const access = checkAccess(await getStaffSession(), STAFF_ROLES);
  if (!access.ok) throw staffAccessError(access, "review");
  const { db } = getEngine();
  const wakeups = getRunWakeups();
  return sseResponse(
    req,
    async (send, signal) => {
      let wake: () => void = () => {};
      let woken = false;
      const unsubscribe = wakeups.subscribe(REVIEW_QUEUE_TOPIC, () => {
        woken = true;
        wake();
      });
      signal.addEventListener("abort", () => wake());
      const deadline = Date.now() + MAX_MS;
      let last = "";
      try {
        while (!signal.aborted && Date.now() < deadline) {
          woken = false;
          const state = await pendingQueueFingerprint({ db });
          if (state.fingerprint + state.pending !== last) {
            last = state.fingerprint + state.pending;
            send(`event: queue\ndata: ${JSON.stringify(state)}\n\n`);
          } else {
            send(": keep-alive\n\n");
          }
          if (woken) continue;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wakeups.live ? IDLE_MS : POLL_MS);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = () => {};
          // Several changes in one burst (a decision touches an item and its run): read once.
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        unsubscribe();
      }
    },
    (err) => log.error({ err }, "review queue stream failed"),
  );
}));
