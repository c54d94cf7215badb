import { withApiErrors } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { customerView } from "@/lib/orchestrator/events";
import { followRunEvents } from "@/lib/chat/run-follower";
import { getEngine, getRunWakeups } from "@/lib/server/engine";
import { authorizeRunRead } from "../../access";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for one run: everything stored after `Last-Event-ID` (or
 * ?after=), then live events until the run finishes. The event table is the source,
 * so a reconnect, or a run executing in another process, loses nothing. This is the
 * public API for host sites and scripts; the chat page reads ./stream instead.
 */
export const GET = withApiErrors("run", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const engine = getEngine();
  const viewer = await authorizeRunRead(req, { db: engine.db, runId: id });
  const url = new URL(req.url);
  let after = Number(req.headers.get("last-event-id") ?? url.searchParams.get("after") ?? 0);
  if (!Number.isInteger(after) || after < 0) after = 0;

  const encoder = new TextEncoder();
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort());
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!abort.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      try {
        // Woken by LISTEN/NOTIFY (any process) or this process's bus; the table is the source.
        const follower = followRunEvents({ db: engine.db, bus: engine.bus, wakeups: getRunWakeups() }, { runId: id, after, signal: abort.signal });
        outer: for await (const events of follower) {
          if (events.length === 0) send(": keep-alive\n\n");
          for (const e of events) {
            const shown = viewer === "staff" ? e : customerView(e);
            send(`id: ${e.seq}\nevent: run\ndata: ${JSON.stringify(shown)}\n\n`);
            if (e.type === "run_finished") break outer;
          }
        }
      } catch (err) {
        // The 200 and its headers are already sent: all that is left is to end the stream.
        log.error({ err, runId: id }, "run event stream failed");
      }
      try {
        controller.close();
      } catch {}
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive" },
  });
});
