import { z } from "zod";
import { defineTool } from "../define";
import { activeOutage, loadLine } from "./line";

const outageSchema = z.object({ id: z.string(), zone: z.string(), summary: z.string(), startedAt: z.string(), etaAt: z.string().nullable() });

export const checkOutage = defineTool({
  name: "check_outage",
  description: "Looks up an active network outage in the customer's zone, with its ETA. outage is null when there is none.",
  sideEffect: false,
  progress: (r) => (r.outage ? `Found an outage in your area (${r.outage.id})` : "No outage in your area"),
  inputSchema: {},
  outputSchema: { zone: z.string(), outage: outageSchema.nullable() },
  async run(ctx) {
    const { zone } = await loadLine(ctx.db, ctx.customerId);
    const o = await activeOutage(ctx.db, zone);
    return {
      zone,
      outage: o ? { id: o.id, zone: o.zone, summary: o.summary, startedAt: o.startedAt.toISOString(), etaAt: o.etaAt?.toISOString() ?? null } : null,
    };
  },
});
