import { context, propagation, trace } from "@opentelemetry/api";
import { OpenTelemetry } from "@ai-sdk/otel";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { registerTelemetry } from "ai";
import { log } from "../log";
import { telemetryConfigFromEnv, type TelemetryConfig } from "./config";
import { setTelemetryState } from "./tracing";

// Turns OTLP trace export on for this process when an endpoint is configured (the app
// from instrumentation.ts, the CLIs and tests by calling startTelemetry). Nothing here
// runs, and nothing is loaded but this file, while telemetry is off.

export interface TelemetryHandle {
  config: TelemetryConfig;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Flushes, then unregisters everything (the process is back to telemetry off). */
  shutdown(): Promise<void>;
}

const g = globalThis as unknown as { switchboardTelemetryHandle?: TelemetryHandle };

/**
 * Starts exporting spans (this process's, and the AI SDK's through its OpenTelemetry
 * integration) over OTLP/HTTP with JSON bodies, when `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; returns null (and does nothing) otherwise.
 * Once per process: a second call returns the running handle.
 */
export function startTelemetry(env: Record<string, string | undefined> = process.env, opts: { announce?: boolean } = {}): TelemetryHandle | null {
  if (g.switchboardTelemetryHandle) return g.switchboardTelemetryHandle;
  const config = telemetryConfigFromEnv(env);
  if (!config) return null;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    // Spans leave in batches, off the run's path; a second's delay loses little on a hard kill.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }), { scheduledDelayMillis: 1_000 })],
  });
  // The global provider, the AsyncLocalStorage context manager (a span is the parent of
  // what its callback awaits) and W3C trace-context propagation.
  provider.register();
  const ai = new OpenTelemetry({ tracer: provider.getTracer("ai"), agentSpanName: "functionId", runtimeContext: true });
  registerTelemetry(ai);
  setTelemetryState({ on: true, recordContent: config.recordContent });
  const handle: TelemetryHandle = {
    config,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (g.switchboardTelemetryHandle !== handle) return;
      g.switchboardTelemetryHandle = undefined;
      setTelemetryState(null);
      const integrations = globalThis.AI_SDK_TELEMETRY_INTEGRATIONS;
      if (integrations) globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = integrations.filter((i) => i !== ai);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  g.switchboardTelemetryHandle = handle;
  // The CLIs say it themselves, on stderr: their stdout is their output.
  if (opts.announce !== false) log.info({ endpoint: config.tracesUrl, service: config.serviceName }, "exporting traces over OTLP");
  return handle;
}

/** Flushes and stops this process's telemetry on SIGTERM and SIGINT (best effort: the server's own handler exits soon after). */
export function flushTelemetryOnSignals(handle: TelemetryHandle) {
  const flush = () => {
    handle.shutdown().catch((err) => log.warn({ err }, "flushing traces at shutdown failed"));
  };
  process.once("SIGTERM", flush);
  process.once("SIGINT", flush);
}
