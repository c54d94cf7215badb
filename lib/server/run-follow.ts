import "server-only";
import { z } from "zod";
import { authorizeRunRead, type RunViewer } from "../auth/run-access";
import type { FollowDeps } from "../chat/run-follower";
import { invalidInput } from "../http/errors";
import type { EngineDeps } from "../orchestrator/deps";
import { getEngine, getRunWakeups } from "./app-process";

// What GET /api/runs/:id/events (SSE) and /stream (UI message stream) both do before
// they follow a run: who may read it (lib/auth/run-access.ts, the one rule), and from
// where the reader resumes. Checked in that order, so a caller who may not read the run
// learns nothing from its query.

/**
 * The seq of the last event the reader has: the `Last-Event-ID` header (an EventSource
 * reconnecting), else `?cursor=` (the chat's transport) or `?after=`; 0 when none.
 */
const cursorSchema = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, "must be a whole number of 0 or more (the seq of the last event you have)")
  .transform(Number);

export type RunFollow = { engine: EngineDeps; deps: FollowDeps; runId: string; viewer: RunViewer; cursor: number; searchParams: URLSearchParams };

/** Authorizes reading run `:id` and reads the reader's cursor; throws the ApiError to answer with otherwise. */
export async function openRunFollow(req: Request, params: Promise<{ id: string }>): Promise<RunFollow> {
  const { id: runId } = await params;
  const engine = getEngine();
  const viewer = await authorizeRunRead(req, { db: engine.db, runId });
  const { searchParams } = new URL(req.url);
  const raw = req.headers.get("last-event-id") ?? searchParams.get("cursor") ?? searchParams.get("after");
  const cursor = raw === null ? { success: true as const, data: 0 } : cursorSchema.safeParse(raw);
  if (!cursor.success) throw invalidInput("run", [{ path: "cursor", message: cursor.error.issues[0].message }]);
  return { engine, deps: { db: engine.db, bus: engine.bus, wakeups: getRunWakeups() }, runId, viewer, cursor: cursor.data, searchParams };
}
