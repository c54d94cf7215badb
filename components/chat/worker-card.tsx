import type { WorkerView } from "@/lib/chat/run-view";
import type { SubTask } from "@/lib/contracts";
import { formatCount, formatMs, workerLabel } from "./labels";

type Status = WorkerView["status"] | "queued";

const STATUS: Record<Status, { label: string; tone: string }> = {
  queued: { label: "Queued", tone: "bg-zinc-100 text-zinc-700 ring-zinc-200" },
  running: { label: "Running", tone: "bg-indigo-50 text-indigo-700 ring-indigo-200" },
  succeeded: { label: "Succeeded", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  failed: { label: "Failed", tone: "bg-red-50 text-red-800 ring-red-200" },
  timed_out: { label: "Timed out", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
};

function StatusBadge({ status }: { status: Status }) {
  const s = STATUS[status];
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.tone}`} data-testid="agent-worker-status">
      {status === "running" ? <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-indigo-500" /> : null}
      {s.label}
    </span>
  );
}

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="font-medium tabular-nums text-zinc-800">{value}</dd>
    </div>
  );
}

/** One worker's sub-task: live status, what it is doing, and what it cost. */
export function WorkerCard({ worker, task }: { worker: WorkerView | null; task: SubTask }) {
  const status: Status = worker?.status ?? "queued";
  const finished = status === "succeeded" || status === "failed" || status === "timed_out";
  return (
    <li className="rounded-lg border border-zinc-200 bg-white p-3" data-testid={`agent-worker-${task.worker}`} data-status={status}>
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-sm font-medium text-zinc-900">{workerLabel(task.worker)}</h4>
        <StatusBadge status={status} />
      </div>
      <p className="mt-1 line-clamp-3 text-xs leading-5 text-zinc-600" data-testid="agent-worker-instruction">
        <span className="sr-only">Instruction: </span>
        {task.instruction}
      </p>
      {worker && worker.attempt > 1 ? <p className="mt-0.5 text-xs text-zinc-500">Attempt {worker.attempt}</p> : null}
      {worker && worker.progress.length > 0 ? (
        <ol className="mt-2 space-y-1 border-l border-zinc-200 pl-3 text-xs leading-5" aria-label={`${workerLabel(task.worker)} progress`}>
          {worker.progress.map((p) => (
            <li key={p.seq} className={p.kind === "error" ? "text-red-700" : "text-zinc-600"} data-testid="agent-worker-progress">
              {p.kind === "tool" ? (
                <>
                  Called <code className="rounded bg-zinc-100 px-1 py-px font-mono text-[11px] text-zinc-800">{p.text}</code>
                </>
              ) : (
                p.text
              )}
            </li>
          ))}
        </ol>
      ) : null}
      {worker?.error ? <p className="mt-2 text-xs text-red-700">{worker.error}</p> : null}
      {worker && finished ? (
        <dl className="mt-2 flex flex-wrap gap-x-3 gap-y-1 border-t border-zinc-100 pt-2 text-xs" data-testid="agent-worker-metrics">
          {worker.confidence !== null ? <Metric label="Confidence" value={worker.confidence.toFixed(2)} /> : null}
          {worker.tokens !== null ? <Metric label="Tokens" value={formatCount(worker.tokens)} /> : null}
          {worker.latencyMs !== null ? <Metric label="Latency" value={formatMs(worker.latencyMs)} /> : null}
          <Metric label="Cache" value={worker.cacheHit ? "hit" : "miss"} />
        </dl>
      ) : null}
    </li>
  );
}
