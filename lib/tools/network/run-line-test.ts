import { z } from "zod";
import { defineTool } from "../define";
import { lineSchema, lineView, loadLine, type LoadedLine } from "./line";

function summarize(l: LoadedLine, v: ReturnType<typeof lineView>): string {
  if (l.accountStatus === "suspended") return "The account is suspended: the line is disabled until service is restored";
  const speed = `${v.downMbps} of ${v.planDownMbps} Mbps, ${v.packetLossPct}% packet loss` + (v.latencyMs === null ? "" : `, ${v.latencyMs} ms latency`);
  if (v.lineStatus === "down") return "No signal on the line: it is down";
  if (v.lineStatus === "degraded") return `The line is degraded (${speed})`;
  if (v.downMbps >= v.planDownMbps * 0.8 && v.packetLossPct < 1) {
    return `The line is healthy (${speed}): if the connection feels slow, the cause is in the home network, most likely Wi-Fi`;
  }
  return `The line is up but below plan speed (${speed})`;
}

export const runLineTest = defineTool({
  name: "run_line_test",
  description: "Tests the customer's line: status, packet loss, latency and speed against the plan, the zone, and whether the account is suspended.",
  sideEffect: false,
  progress: (r) => `Tested your line: ${r.lineStatus ?? "done"}`,
  inputSchema: {},
  outputSchema: {
    ...lineSchema.shape,
    accountStatus: z.string().describe("active | suspended"),
    zone: z.string(),
    lastResetAt: z.string().nullable(),
    summary: z.string(),
  },
  async run(ctx) {
    const l = await loadLine(ctx.db, ctx.customerId);
    const v = lineView(l);
    return {
      ...v,
      accountStatus: l.accountStatus,
      zone: l.zone,
      lastResetAt: l.line.lastResetAt?.toISOString() ?? null,
      summary: summarize(l, v),
    };
  },
});
