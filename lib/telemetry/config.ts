import { z } from "zod";

// Telemetry configuration from the standard OpenTelemetry variables, checked with zod
// when it is loaded: a bad endpoint or trace link template is refused at start, never
// found out on the first run.

export interface TelemetryConfig {
  /** Where finished spans are POSTed (OTLP over HTTP, JSON encoding). */
  tracesUrl: string;
  serviceName: string;
  /** Whether AI SDK spans carry prompts and outputs (customer text): off unless asked for. */
  recordContent: boolean;
}

const httpUrl = (name: string) =>
  z.string().trim().url(`${name} must be a URL`).refine((u) => /^https?:\/\//i.test(u), `${name} must be an http(s) URL`);

const envSchema = z.object({
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl("OTEL_EXPORTER_OTLP_ENDPOINT").optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default("switchboard"),
  SWITCHBOARD_TRACE_CONTENT: z.enum(["0", "1"], "SWITCHBOARD_TRACE_CONTENT must be 0 or 1").default("0"),
});

/** Empty strings count as unset, as a blank `FOO=` line in an env file means. */
function present(env: Record<string, string | undefined>, keys: string[]) {
  return Object.fromEntries(keys.flatMap((k) => (env[k]?.trim() ? [[k, env[k]]] : [])));
}

/**
 * The telemetry configuration, or null when no OTLP endpoint is set (telemetry off, the
 * default). `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is the full traces URL, used as it is;
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is the collector's base URL, to which `/v1/traces` is
 * added (the OpenTelemetry specification's rule). Throws on a malformed value.
 */
export function telemetryConfigFromEnv(env: Record<string, string | undefined> = process.env): TelemetryConfig | null {
  const parsed = envSchema.safeParse(
    present(env, ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "SWITCHBOARD_TRACE_CONTENT"]),
  );
  if (!parsed.success) throw new Error(`telemetry: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const e = parsed.data;
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : null);
  if (!tracesUrl) return null;
  return { tracesUrl, serviceName: e.OTEL_SERVICE_NAME, recordContent: e.SWITCHBOARD_TRACE_CONTENT === "1" };
}

const TRACE_ID = /^[0-9a-f]{32}$/;

const traceUrlSchema = z
  .string()
  .trim()
  .refine((t) => t.includes("{traceId}"), "SWITCHBOARD_TRACE_URL must contain {traceId}")
  .refine((t) => {
    try {
      return /^https?:$/.test(new URL(t.replaceAll("{traceId}", "0".repeat(32))).protocol);
    } catch {
      return false;
    }
  }, "SWITCHBOARD_TRACE_URL must be an http(s) URL once {traceId} is filled in");

/**
 * The trace link template (`SWITCHBOARD_TRACE_URL`, e.g.
 * `http://localhost:16686/trace/{traceId}`), or null when none is set. Throws on a
 * template that is not an http(s) URL with `{traceId}` in it.
 */
export function traceUrlTemplateFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const raw = env.SWITCHBOARD_TRACE_URL;
  if (!raw?.trim()) return null;
  const parsed = traceUrlSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

/** The link to a run's trace: the template with the trace id filled in, or null for a missing or malformed id. */
export function traceUrl(template: string | null, traceId: string | null | undefined): string | null {
  if (!template || !traceId || !TRACE_ID.test(traceId)) return null;
  return template.replaceAll("{traceId}", traceId);
}
