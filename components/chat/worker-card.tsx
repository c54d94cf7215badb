import type { ToolData, WorkerData } from "@/lib/chat/ui-stream";
import type { SubTask } from "@/lib/contracts";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { workerLabel } from "@/lib/format/worker-label";
import { WORKER_STATUS_STYLES, WORKING_DOT } from "@/components/status/run-status";

type Status = WorkerData["status"] | "queued";

const TOOL_MARK: Record<ToolData["state"], { mark: string; label: string; tone: string }> = {
  called: { mark: "…", label: "running", tone: "text-indigo-600 dark:text-indigo-400" },
  succeeded: { mark: "✓", label: "done", tone: "text-emerald-600 dark:text-emerald-400" },
  failed: { mark: "✕", label: "failed", tone: "text-red-600 dark:text-red-400" },
};

function StatusBadge({ status }: { status: Status }) {
  const s = WORKER_STATUS_STYLES[status];
  return (
    <span className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.tone}`} data-testid="agent-worker-status">
      {status === "running" ? <span aria-hidden className={`size-1.5 animate-pulse rounded-full ${WORKING_DOT}`} /> : null}
      {s.label}
    </span>
  );
}

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="font-medium tabular-nums text-zinc-800 dark:text-zinc-200">{value}</dd>
    </div>
  );
}

/** One worker's sub-task: live status, the tools it called, what it found, and what it cost. */
export function WorkerCard({ worker, task, tools }: { worker: WorkerData | null; task: SubTask; tools: ToolData[] }) {
  const status: Status = worker?.status ?? "queued";
  const finished = status === "succeeded" || status === "failed" || status === "timed_out";
  const toolById = new Map(tools.map((t) => [t.toolCallId, t]));
  return (
    <li
      className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-950"
      data-testid={`agent-worker-${task.worker}`}
      data-status={status}
    >
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-sm font-medium text-zinc-900 dark:text-zinc-100">{workerLabel(task.worker)}</h4>
        <StatusBadge status={status} />
      </div>
      <p className="mt-1 line-clamp-3 text-xs leading-5 text-zinc-600 dark:text-zinc-400" data-testid="agent-worker-instruction">
        <span className="sr-only">Instruction: </span>
        {task.instruction}
      </p>
      {worker && worker.attempt > 1 ? <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">Attempt {worker.attempt}</p> : null}
      {worker && worker.progress.length > 0 ? (
        <ol className="mt-2 space-y-1 border-l border-zinc-200 pl-3 text-xs leading-5 dark:border-zinc-700" aria-label={`${workerLabel(task.worker)} progress`}>
          {worker.progress.map((p) => {
            if (p.kind !== "tool") {
              return (
                <li key={p.seq} className={p.kind === "error" ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"} data-testid="agent-worker-progress">
                  {p.text}
                </li>
              );
            }
            const tool = p.toolCallId ? toolById.get(p.toolCallId) : undefined;
            const mark = tool ? TOOL_MARK[tool.state] : null;
            return (
              <li key={p.seq} className="text-zinc-600 dark:text-zinc-400" data-testid="agent-worker-progress" data-tool-state={tool?.state}>
                Called{" "}
                <code className="rounded bg-zinc-100 px-1 py-px font-mono text-[11px] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">{p.text}</code>
                {mark ? (
                  <span className={`ml-1 ${mark.tone}`}>
                    <span aria-hidden>{mark.mark}</span>
                    <span className="sr-only">{mark.label}</span>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {worker?.summary ? (
        <p className="mt-2 line-clamp-4 text-xs leading-5 text-zinc-700 dark:text-zinc-300" data-testid="agent-worker-summary" title={worker.summary}>
          {worker.summary}
        </p>
      ) : null}
      {worker?.error ? <p className="mt-2 text-xs text-red-700 dark:text-red-400">{worker.error}</p> : null}
      {worker && finished ? (
        <dl className="mt-2 flex flex-wrap gap-x-3 gap-y-1 border-t border-zinc-100 pt-2 text-xs dark:border-zinc-800" data-testid="agent-worker-metrics">
          {worker.confidence !== null ? <Metric label="Confidence" value={worker.confidence.toFixed(2)} /> : null}
          {worker.tokens !== null ? <Metric label="Tokens" value={formatCount(worker.tokens)} /> : null}
          {worker.latencyMs !== null ? <Metric label="Latency" value={formatMs(worker.latencyMs)} /> : null}
          <Metric label="Cache" value={worker.cacheHit ? "hit" : "miss"} />
        </dl>
      ) : null}
    </li>
  );
}
