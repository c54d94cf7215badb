import { log } from "../log";
import { traceUrl, traceUrlTemplateFromEnv } from "../telemetry/config";

// The audit run page's link from a run to its trace (SWITCHBOARD_TRACE_URL). `npm start`
// and the server's start (instrumentation.ts) refuse or report a malformed template; here
// a malformed one only means no link.

let cached: { raw: string | undefined; template: string | null } | null = null;

function template(): string | null {
  const raw = process.env.SWITCHBOARD_TRACE_URL;
  if (cached && cached.raw === raw) return cached.template;
  let parsed: string | null = null;
  try {
    parsed = traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: raw });
  } catch (err) {
    log.error({ err }, "SWITCHBOARD_TRACE_URL is not usable: runs are shown without a trace link");
  }
  cached = { raw, template: parsed };
  return parsed;
}

/** The link to a run's trace in the operator's trace viewer, or null (no template, or no trace recorded). */
export function runTraceLink(traceId: string | null): string | null {
  return traceUrl(template(), traceId);
}
