import type { ReactNode } from "react";
import type { RunRecord } from "@/lib/audit/run-record";
import type { ChainReport } from "@/lib/audit/verify";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { workerLabel } from "@/lib/format/worker-label";
import { REVIEW_KIND_LABELS } from "@/components/review/review-kind";
import type { ReviewKind } from "@/lib/contracts";

// The sections of a run's audit page around the shared timeline: the chain's
// verification, the run's figures, each worker invocation in full, the reviews and
// the run's own audit entries.

function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">{label}</summary>
      <pre className="mt-1 max-h-72 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-4 text-zinc-800 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:text-zinc-200 dark:ring-zinc-800">
        {JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}
      </pre>
    </details>
  );
}

/** Whether the run's entries in the audit chain are sealed, linked and unaltered. */
export function ChainStatus({ report }: { report: ChainReport }) {
  if (report.ok) {
    return (
      <div className="flex items-start gap-3 rounded-lg bg-emerald-50 p-3 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950/50 dark:ring-emerald-900" data-testid="chain-status" data-ok="true">
        <span aria-hidden className="mt-0.5 grid size-5 shrink-0 place-items-center rounded-full bg-emerald-600 text-[11px] font-bold text-white">✓</span>
        <div className="min-w-0 text-sm">
          <p className="font-medium text-emerald-900 dark:text-emerald-200">Chain verified: {report.entries === 1 ? "the 1 entry of this run is sealed, linked to the one before it and unaltered" : `${report.entries} entries of this run, each sealed, linked to the one before it and unaltered`}.</p>
          <p className="mt-0.5 truncate font-mono text-[11px] text-emerald-800/80 dark:text-emerald-300/80" title={report.headHash}>chain head {report.headHash || "(empty)"}</p>
        </div>
      </div>
    );
  }
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg bg-red-50 p-3 ring-1 ring-red-200 ring-inset dark:bg-red-950/50 dark:ring-red-900" data-testid="chain-status" data-ok="false">
      <span aria-hidden className="mt-0.5 grid size-5 shrink-0 place-items-center rounded-full bg-red-600 text-[11px] font-bold text-white">!</span>
      <div className="text-sm">
        <p className="font-medium text-red-900 dark:text-red-200">Chain broken at entry #{report.broken.seq}: {report.broken.message}.</p>
        <p className="mt-0.5 text-red-800 dark:text-red-300">{report.entries} entries of this run verified before it. Treat this run&apos;s record as altered.</p>
      </div>
    </div>
  );
}

function Stat({ label, children, className = "", testId }: { label: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    <div className={`min-w-0 ${className}`} data-testid={testId}>
      <dt className="text-[11px] font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 break-words font-mono text-sm tabular-nums text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

/** The run's OpenTelemetry trace id, and a link to it when a trace viewer is configured (SWITCHBOARD_TRACE_URL). */
function TraceId({ traceId, href }: { traceId: string | null; href: string | null }) {
  if (!traceId) return <span className="font-sans text-zinc-500 dark:text-zinc-400" data-testid="run-trace-id">not recorded (telemetry was off when this run started)</span>;
  return (
    <span className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
      <span className="break-all" data-testid="run-trace-id">{traceId}</span>
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer" className="font-sans text-xs font-medium text-sky-700 underline decoration-sky-700/30 underline-offset-2 hover:decoration-sky-700 dark:text-sky-400 dark:decoration-sky-400/30 dark:hover:decoration-sky-400" data-testid="run-trace-link">
          Open trace<span aria-hidden> ↗</span>
        </a>
      ) : null}
    </span>
  );
}

export function RunFigures({ run, traceHref }: { run: RunRecord; traceHref: string | null }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4" data-testid="run-figures">
      <Stat label="Tokens in / out">{formatCount(run.tokensIn)} / {formatCount(run.tokensOut)}</Stat>
      <Stat label="Latency">{run.latencyMs === null ? "—" : formatMs(run.latencyMs)}</Stat>
      <Stat label="Attempts">{run.attempts}</Stat>
      <Stat label="Model calls">{run.modelCalls.length}</Stat>
      <Stat label="Started (UTC)">{run.createdAt.toISOString().replace("T", " ").slice(0, 19)}</Stat>
      <Stat label="Finished (UTC)">{run.finishedAt ? run.finishedAt.toISOString().replace("T", " ").slice(0, 19) : "—"}</Stat>
      <Stat label="Settings version">{run.settingsVersion ?? "—"}</Stat>
      <Stat label="Trace" className="col-span-2 sm:col-span-4" testId="run-trace"><TraceId traceId={run.traceId} href={traceHref} /></Stat>
    </dl>
  );
}

const INV_TONE: Record<string, string> = {
  succeeded: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  timed_out: "text-red-700 dark:text-red-400",
  running: "text-sky-700 dark:text-sky-400",
};

/** Each worker invocation: what it received, its tool calls, its output, figures and errors. */
export function Invocations({ run }: { run: RunRecord }) {
  if (run.invocations.length === 0) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No worker was invoked for this run.</p>;
  return (
    <ol className="space-y-3">
      {run.invocations.map((inv) => {
        const input = inv.input as { instruction?: string } | null;
        const output = inv.output as { summary?: string } | null;
        return (
          <li key={inv.id} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="run-invocation" data-worker={inv.worker}>
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
              <span className="font-medium text-zinc-900 dark:text-zinc-100">{workerLabel(inv.worker)}</span>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">task {inv.taskId} · attempt {inv.attempt}</span>
              <span className={`text-xs font-medium ${INV_TONE[inv.status] ?? ""}`}>{inv.status.replace("_", " ")}</span>
              <span className="ml-auto font-mono text-[11px] tabular-nums text-zinc-500 dark:text-zinc-400">
                {inv.cacheHit ? "cache hit · " : ""}{inv.model ?? "—"} · {formatCount(inv.tokensIn)}/{formatCount(inv.tokensOut)} tok · {inv.latencyMs === null ? "—" : formatMs(inv.latencyMs)}
                {inv.confidence !== null ? ` · conf ${inv.confidence.toFixed(2)}` : ""}
              </span>
            </div>
            {input?.instruction ? <p className="mt-1 text-xs text-zinc-700 dark:text-zinc-300"><span className="text-zinc-500">Received:</span> {input.instruction}</p> : null}
            {output?.summary ? <p className="mt-1 text-xs text-zinc-700 dark:text-zinc-300"><span className="text-zinc-500">Returned:</span> {output.summary}</p> : null}
            {inv.error ? <p className="mt-1 text-xs text-red-700 dark:text-red-400">Error: {inv.error}</p> : null}
            {inv.toolCalls.length ? (
              <ul className="mt-2 space-y-1 border-l border-zinc-200 pl-3 dark:border-zinc-800" data-testid="run-tool-calls">
                {inv.toolCalls.map((tc) => (
                  <li key={tc.id} className="text-xs">
                    <span className="font-mono text-zinc-800 dark:text-zinc-200">{tc.server}.{tc.tool}</span>
                    <span className={tc.isError ? " text-red-700 dark:text-red-400" : " text-zinc-500 dark:text-zinc-400"}> {tc.isError ? "failed" : "ok"}{tc.latencyMs !== null ? ` · ${formatMs(tc.latencyMs)}` : ""}</span>
                    <div className="mt-0.5 flex flex-wrap gap-x-4"><JsonBlock value={tc.args} label="Arguments" /><JsonBlock value={tc.result} label="Result" /></div>
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="mt-2 flex flex-wrap gap-x-4"><JsonBlock value={inv.input} label="Full input" /><JsonBlock value={inv.output} label="Full output" /></div>
          </li>
        );
      })}
    </ol>
  );
}

export function Reviews({ run }: { run: RunRecord }) {
  if (run.reviews.length === 0) return <p className="text-sm text-zinc-500 dark:text-zinc-400">No part of this run went to a person.</p>;
  return (
    <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
      {run.reviews.map((r) => (
        <li key={r.id} className="py-2 first:pt-0 last:pb-0" data-testid="run-review">
          <div className="flex flex-wrap items-baseline gap-x-3">
            <span className="font-medium text-zinc-900 dark:text-zinc-100">{REVIEW_KIND_LABELS[r.kind as ReviewKind] ?? r.kind}</span>
            <span className="text-xs text-zinc-500 dark:text-zinc-400">{r.status}{r.decidedBy ? ` by ${r.decidedBy}` : ""}{r.decidedAt ? ` at ${r.decidedAt.toISOString().replace("T", " ").slice(0, 16)}` : ""}</span>
          </div>
          <p className="mt-0.5 text-xs text-zinc-700 dark:text-zinc-300">{r.summary}</p>
          {r.note ? <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">Note: {r.note}</p> : null}
          {r.proposedAction ? <JsonBlock value={r.proposedAction} label="Proposed action" /> : null}
        </li>
      ))}
    </ul>
  );
}

type Entry = { id: bigint; seq: bigint | null; at: Date; kind: string; actor: string; subject: string | null; hash: string | null; redactedAt: Date | null };

/** The run's own entries on the audit log, in chain order. */
export function AuditEntries({ entries }: { entries: Entry[] }) {
  return (
    <div className="max-h-96 overflow-auto">
      <table className="w-full text-xs" data-testid="run-audit-entries">
        <thead className="sticky top-0 bg-white text-left text-[11px] uppercase tracking-wide text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
          <tr><th className="py-1 pr-3 font-semibold">#</th><th className="py-1 pr-3 font-semibold">Kind</th><th className="py-1 pr-3 font-semibold">Actor</th><th className="py-1 pr-3 font-semibold max-sm:hidden">Subject</th><th className="py-1 font-semibold max-md:hidden">Hash</th></tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 font-mono tabular-nums text-zinc-700 dark:divide-zinc-800 dark:text-zinc-300">
          {entries.map((e) => (
            <tr key={String(e.id)} data-testid="run-audit-entry" data-kind={e.kind}>
              <td className="py-1 pr-3">{e.seq === null ? "—" : String(e.seq)}</td>
              <td className="py-1 pr-3">{e.kind}{e.redactedAt ? " (redacted)" : ""}</td>
              <td className="max-w-40 truncate py-1 pr-3" title={e.actor}>{e.actor}</td>
              <td className="max-w-56 truncate py-1 pr-3 max-sm:hidden" title={e.subject ?? ""}>{e.subject ?? ""}</td>
              <td className="py-1 max-md:hidden" title={e.hash ?? ""}>{e.hash ? `${e.hash.slice(0, 12)}…` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
