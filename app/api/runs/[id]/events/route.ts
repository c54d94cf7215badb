import { withApiErrors } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { customerView } from "@/lib/orchestrator/events";
import { listEvents } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/engine";
import { authorizeRunRead } from "../../access";

export const dynamic = "force-dynamic";

/**
 * Server-sent events for one run: everything stored after `Last-Event-ID` (or
 * ?after=), then live events until the run finishes. The event table is the source,
 * so a reconnect, or a run executing in another process, loses nothing.
 */
export const GET = withApiErrors("run", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const engine = getEngine();
  const viewer = await authorizeRunRead(req, { db: engine.db, runId: id });
  const url = new URL(req.url);
  let after = Number(req.headers.get("last-event-id") ?? url.searchParams.get("after") ?? 0);
  if (!Number.isInteger(after) || after < 0) after = 0;

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let wake: () => void = () => {};
      const unsubscribe = engine.bus?.subscribe(id, () => wake()) ?? (() => {});
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        try {
          controller.close();
        } catch {}
      };
      req.signal.addEventListener("abort", close);
      const started = Date.now();
      try {
        while (!closed && Date.now() - started < 10 * 60_000) {
          const events = await listEvents(engine.db, id, after);
          for (const e of events) {
            const shown = viewer === "staff" ? e : customerView(e);
            controller.enqueue(encoder.encode(`id: ${e.seq}\nevent: run\ndata: ${JSON.stringify(shown)}\n\n`));
            after = e.seq;
            if (e.type === "run_finished") {
              close();
              return;
            }
          }
          // Wait for this process's bus, or poll for events written by another process.
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 500);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
        }
      } catch (err) {
        // The 200 and its headers are already sent: all that is left is to end the stream.
        log.error({ err, runId: id }, "run event stream failed");
      }
      close();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive" },
  });
});
