import { withApiErrors } from "@/lib/http/errors";
import { withStreamCap } from "@/lib/server/stream-cap";
import { sseResponse } from "@/lib/http/sse";
import { log } from "@/lib/log";
import { customerView } from "@/lib/orchestrator/events";
import { followRunEvents } from "@/lib/chat/run-follower";
import { openRunFollow } from "@/lib/server/run-follow";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for one run: everything stored after `Last-Event-ID` (or
 * ?after= / ?cursor=), then live events until the run finishes. The event table is the
 * source, so a reconnect, or a run executing in another process, loses nothing. This
 * is the public API for host sites and scripts; the chat page reads ./stream instead.
 */
export const GET = withApiErrors("run", withStreamCap(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { deps, runId, viewer, cursor } = await openRunFollow(req, ctx.params);
  return sseResponse(
    req,
    async (send, signal) => {
      // Woken by LISTEN/NOTIFY (any process) or this process's bus; the table is the source.
      const follower = followRunEvents(deps, { runId, after: cursor, signal });
      outer: for await (const events of follower) {
        if (events.length === 0) send(": keep-alive\n\n");
        for (const e of events) {
          const shown = viewer === "staff" ? e : customerView(e);
          send(`id: ${e.seq}\nevent: run\ndata: ${JSON.stringify(shown)}\n\n`);
          if (e.type === "run_finished") break outer;
        }
      }
    },
    (err) => log.error({ err, runId }, "run event stream failed"),
  );
}));
