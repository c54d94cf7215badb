import { authorizeRunRead } from "@/lib/auth/run-access";
import { getRunForViewer } from "@/lib/db/queries/runs";
import { ApiError, withApiErrors } from "@/lib/http/errors";
import { customerView } from "@/lib/orchestrator/events";
import { listEvents } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/app-process";

/** The stored run: status, plan, reply and its full event log (lib/auth/run-access.ts says who may read it). */
export const GET = withApiErrors("run", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const db = getEngine().db;
  const viewer = await authorizeRunRead(req, { db, runId: id });
  const run = await getRunForViewer({ db, runId: id });
  // Authorized a moment ago: only a run deleted in between (a world reset) gets here.
  if (!run) throw new ApiError("not_found:run", "No such run.");
  const events = await listEvents(db, id);
  return Response.json(
    { run, events: viewer === "staff" ? events : events.map(customerView) },
    { headers: { "cache-control": "no-store" } },
  );
});
