// A stand-in for an OpenTelemetry collector and its trace viewer, for the browser
// journeys: the app under test exports its spans here (OTLP/HTTP, JSON bodies), and
// the audit page's trace link (SWITCHBOARD_TRACE_URL) opens /trace/<traceId>, which
// lists the spans received for that trace. Listens on OTLP_PORT; spans live in memory.
import http from "node:http";
import { OTLP_PORT } from "./env";

interface Span { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }> }

const spans: Span[] = [];
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver");
    if (req.method === "POST" && url.pathname === "/v1/traces") {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Span[] }> }> };
          for (const r of body.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []));
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch {
          res.writeHead(400).end();
        }
      });
      return;
    }
    const trace = url.pathname.match(/^\/trace\/([0-9a-f]{32})$/);
    if (req.method === "GET" && trace) {
      const mine = spans.filter((s) => s.traceId === trace[1]);
      const rows = mine.map((s) => {
        const runId = s.attributes?.find((a) => a.key === "switchboard.run.id")?.value.stringValue;
        return `<li data-span="${escape(s.name)}">${escape(s.name)}${runId ? ` <code>${escape(runId)}</code>` : ""}</li>`;
      });
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><title>Trace ${trace[1]}</title><h1>Trace ${trace[1]}</h1><p>${mine.length} spans</p><ul>${rows.join("")}</ul>`);
      return;
    }
    if (req.method === "GET" && url.pathname === "/health") {
      res.writeHead(200).end("ok");
      return;
    }
    res.writeHead(404).end();
  })
  .listen(OTLP_PORT, "127.0.0.1");
