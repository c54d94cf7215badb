import { customerView } from "@/lib/orchestrator/events";
import { listEvents } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/engine";
import { authorizeRunRead } from "../access";

/** The stored run: status, plan, reply and its full event log. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const access = await authorizeRunRead(req, id);
  if (!access.ok) return access.response;
  const db = getEngine().db;
  const run = await db.run.findUniqueOrThrow({
    where: { id },
    select: { id: true, conversationId: true, status: true, step: true, plan: true, reply: true, tokensIn: true, tokensOut: true, latencyMs: true, createdAt: true, finishedAt: true },
  });
  const events = await listEvents(db, id);
  return Response.json(
    { run, events: access.viewer === "staff" ? events : events.map(customerView) },
    { headers: { "cache-control": "no-store" } },
  );
}
