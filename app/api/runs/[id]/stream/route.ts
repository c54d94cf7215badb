import { createUIMessageStreamResponse } from "ai";
import { z } from "zod";
import { runMessageStream } from "@/lib/chat/run-stream";
import { invalidInput, withApiErrors } from "@/lib/http/errors";
import { openRunFollow } from "@/lib/server/run-follow";
import { withStreamCap } from "@/lib/server/stream-cap";

export const dynamic = "force-dynamic";

const untilSchema = z.enum(["finished", "settled"]).default("finished");

/**
 * The run as one assistant message on the AI SDK's UI message stream (the chat's
 * useChat transport reads it): everything stored after `?cursor=` (the seq the reader
 * has), then live events until the run finishes, or with `?until=settled` until
 * nothing of it waits for a person. Stored events are the source, so a reload, a
 * second tab or a dropped connection resumes exactly from its cursor.
 */
export const GET = withApiErrors("run", withStreamCap(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { deps, runId, viewer, cursor, searchParams } = await openRunFollow(req, ctx.params);
  const until = untilSchema.safeParse(searchParams.get("until") ?? undefined);
  if (!until.success) throw invalidInput("run", [{ path: "until", message: 'must be "finished" or "settled"' }]);
  const stream = runMessageStream(deps, { runId, cursor, until: until.data, viewer, signal: req.signal });
  return createUIMessageStreamResponse({ stream, keepAliveMs: 15_000, headers: { "cache-control": "no-store, no-transform" } });
}));
