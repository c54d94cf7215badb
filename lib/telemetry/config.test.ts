import { describe, expect, it } from "vitest";
import { telemetryConfigFromEnv, traceUrl, traceUrlTemplateFromEnv } from "./config";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("trace link template (SWITCHBOARD_TRACE_URL)", () => {
  it("is off when unset or blank", () => {
    expect(traceUrlTemplateFromEnv({})).toBeNull();
    expect(traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "  " })).toBeNull();
  });

  it("fills the trace id into an http(s) template, wherever it stands", () => {
    const jaeger = traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "http://localhost:16686/trace/{traceId}" });
    expect(traceUrl(jaeger, TRACE)).toBe(`http://localhost:16686/trace/${TRACE}`);
    const query = traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: " https://grafana.example/explore?traceId={traceId}&from=now-7d " });
    expect(traceUrl(query, TRACE)).toBe(`https://grafana.example/explore?traceId=${TRACE}&from=now-7d`);
  });

  it("refuses a template without {traceId}, or one that is not an http(s) URL", () => {
    expect(() => traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "http://localhost:16686/trace/" })).toThrow(/must contain \{traceId\}/);
    expect(() => traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "javascript:alert('{traceId}')" })).toThrow(/http\(s\) URL/);
    expect(() => traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "localhost:16686/trace/{traceId}" })).toThrow(/http\(s\) URL/);
    expect(() => traceUrlTemplateFromEnv({ SWITCHBOARD_TRACE_URL: "/trace/{traceId}" })).toThrow(/http\(s\) URL/);
  });

  it("gives no link without a template or a well-formed trace id", () => {
    const template = "http://localhost:16686/trace/{traceId}";
    expect(traceUrl(null, TRACE)).toBeNull();
    expect(traceUrl(template, null)).toBeNull();
    expect(traceUrl(template, "not-a-trace")).toBeNull();
    expect(traceUrl(template, `${TRACE}/../../admin`)).toBeNull();
  });
});

describe("telemetry configuration (OTEL_* variables)", () => {
  it("is off without an endpoint", () => {
    expect(telemetryConfigFromEnv({})).toBeNull();
    expect(telemetryConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_SERVICE_NAME: "x" })).toBeNull();
  });

  it("adds /v1/traces to the base endpoint and takes the traces endpoint as it is", () => {
    expect(telemetryConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toEqual({
      tracesUrl: "http://collector:4318/v1/traces", serviceName: "switchboard", recordContent: false,
    });
    expect(telemetryConfigFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/otlp/v1/traces",
      OTEL_SERVICE_NAME: "switchboard-eu",
      SWITCHBOARD_TRACE_CONTENT: "1",
    })).toEqual({ tracesUrl: "https://traces.example/otlp/v1/traces", serviceName: "switchboard-eu", recordContent: true });
  });

  it("refuses a malformed endpoint or content switch", () => {
    expect(() => telemetryConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => telemetryConfigFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "grpc://collector:4317" })).toThrow(/http\(s\)/);
    expect(() => telemetryConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", SWITCHBOARD_TRACE_CONTENT: "yes" })).toThrow(/SWITCHBOARD_TRACE_CONTENT/);
  });
});
