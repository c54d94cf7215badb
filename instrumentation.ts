// Runs once when a Next.js server process starts: the client-address stamp, OTLP trace
// export when an endpoint is configured (off by default), then this process joins the
// pool of executors and resumes runs that a crashed process left behind.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First, so that as few requests as possible arrive unstamped: the per-address limits
  // count the socket's address, which only this process's HTTP server knows
  // (lib/http/client-address.ts says why it cannot come from the headers).
  const { installPeerStamp } = await import("./lib/http/client-address");
  installPeerStamp();
  const { traceUrlTemplateFromEnv } = await import("./lib/telemetry/config");
  try {
    traceUrlTemplateFromEnv();
  } catch (err) {
    // `npm start` refuses this; under a bare `next start` the run pages show no trace link.
    const { log } = await import("./lib/log");
    log.error({ err }, "SWITCHBOARD_TRACE_URL is not usable");
  }
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) {
    const { flushTelemetryOnSignals, startTelemetry } = await import("./lib/telemetry/setup");
    try {
      const telemetry = startTelemetry();
      if (telemetry) flushTelemetryOnSignals(telemetry);
    } catch (err) {
      // A malformed endpoint (`npm start` refuses it): the app runs, without traces.
      const { log } = await import("./lib/log");
      log.error({ err }, "telemetry is off: the OTLP endpoint is not usable");
    }
  }
  if (!process.env.DATABASE_URL) return;
  const { startBackgroundWork } = await import("./lib/server/app-process");
  startBackgroundWork();
}
