import { context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Attributes, type Link, type Span, type SpanContext } from "@opentelemetry/api";

// The spans the orchestrator writes, over the OpenTelemetry API alone. Without a tracer
// provider (telemetry off, the default) the API hands out non-recording spans whose ids
// are all zeros: nothing is kept or sent, and spanIds() answers null.

const state = globalThis as unknown as { switchboardTelemetry?: { on: boolean; recordContent: boolean } };

/** Marks telemetry on or off for this process (the setup calls it). On globalThis: Next.js bundles a module more than once. */
export function setTelemetryState(s: { on: boolean; recordContent: boolean } | null) {
  state.switchboardTelemetry = s ?? undefined;
}

/** Whether spans are exported from this process. */
export function telemetryOn(): boolean {
  return state.switchboardTelemetry?.on === true;
}

const tracer = () => trace.getTracer("switchboard");
/** What a span is while telemetry is off: records nothing, and its ids are zeros. */
const OFF = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The trace and span id of a recording span, or null (telemetry off). */
export function spanIds(span: Span): { traceId: string; spanId: string } | null {
  const c = span.spanContext();
  if (!trace.isSpanContextValid(c) || !span.isRecording()) return null;
  return { traceId: c.traceId, spanId: c.spanId };
}

/**
 * Runs `fn` inside a new span that is the active one for everything `fn` awaits (child
 * spans, the AI SDK's own spans); the span ends when `fn` settles, with an error status
 * when it throws.
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!telemetryOn()) return fn(OFF);
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks a span as failed without an exception (an outcome, such as a worker attempt that timed out). */
export function markSpanFailed(span: Span, message: string) {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function failed(span: Span, err: unknown) {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
}

/**
 * A span for work on a run: `switchboard.run` for one attempt at it, or later work such
 * as a reviewer's retry. Without a recorded trace it is the root span of a new trace (a
 * run outlives the request that submitted it, which it only links to). When the run's
 * trace is already recorded (a resumed run, a retry) it continues that trace: the span
 * is a child of the recorded run span (same trace id) and links to it.
 */
export async function inRunTrace<T>(
  name: string,
  recorded: { traceId: string | null; spanId: string | null },
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (!telemetryOn()) return fn(OFF);
  const links: Link[] = [];
  const request = trace.getSpanContext(context.active());
  if (request && trace.isSpanContextValid(request)) links.push({ context: request, attributes: { "switchboard.link": "submitted_by" } });
  let parent = ROOT_CONTEXT;
  if (recorded.traceId && recorded.spanId) {
    const first: SpanContext = { traceId: recorded.traceId, spanId: recorded.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
    if (trace.isSpanContextValid(first)) {
      parent = trace.setSpanContext(ROOT_CONTEXT, first);
      links.push({ context: first, attributes: { "switchboard.link": "resumes_run_span" } });
    }
  }
  const span = tracer().startSpan(name, { attributes, links, root: parent === ROOT_CONTEXT }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** The AI SDK's per-call telemetry settings: off unless spans are exported, named after the call, with the run's ids. */
export function aiTelemetry(functionId: string, ids: { runId?: string; worker?: string; taskId?: string; attempt?: number }) {
  const s = state.switchboardTelemetry;
  if (!s?.on) return { telemetry: { isEnabled: false } };
  const runtimeContext = Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
  return {
    telemetry: {
      isEnabled: true,
      functionId,
      recordInputs: s.recordContent,
      recordOutputs: s.recordContent,
      includeRuntimeContext: Object.fromEntries(Object.keys(runtimeContext).map((k) => [k, true])),
    },
    runtimeContext,
  };
}
