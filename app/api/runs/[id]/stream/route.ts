import { createUIMessageStreamResponse } from "ai";
import { runMessageStream } from "@/lib/chat/run-stream";
import { withApiErrors } from "@/lib/http/errors";
import { withStreamCap } from "@/lib/server/stream-cap";
import { getEngine, getRunWakeups } from "@/lib/server/engine";
import { authorizeRunRead } from "../../access";

export const dynamic = "force-dynamic";

/**
 * The run as one assistant message on the AI SDK's UI message stream (the chat's
 * useChat transport reads it): everything stored after `?cursor=` (the seq the reader
 * has), then live events until the run finishes, or with `?until=settled` until
 * nothing of it waits for a person. Stored events are the source, so a reload, a
 * second tab or a dropped connection resumes exactly from its cursor.
 */
export const GET = withApiErrors("run", withStreamCap(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const engine = getEngine();
  const viewer = await authorizeRunRead(req, { db: engine.db, runId: id });
  const url = new URL(req.url);
  const raw = Number(url.searchParams.get("cursor") ?? 0);
  const cursor = Number.isInteger(raw) && raw >= 0 ? raw : 0;
  const until = url.searchParams.get("until") === "settled" ? "settled" : "finished";
  const stream = runMessageStream(
    { db: engine.db, bus: engine.bus, wakeups: getRunWakeups() },
    { runId: id, cursor, until, viewer, signal: req.signal },
  );
  return createUIMessageStreamResponse({ stream, keepAliveMs: 15_000, headers: { "cache-control": "no-store, no-transform" } });
}));
