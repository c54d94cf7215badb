import type { ReactNode } from "react";
import type { RunTimelineRow } from "@/lib/db/queries/run-timeline";
import { runEventSchema, type RunEvent } from "@/lib/orchestrator/events";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { workerLabel } from "@/lib/format/worker-label";
import { reviewKindInSentence } from "@/components/review/review-kind";

// The run timeline of the staff pages (review detail, audit browser): every stored
// event of a run in order, in the one event vocabulary (lib/orchestrator/events.ts).
// Each row is validated on read; a row that does not parse is still shown, by type,
// so the timeline never hides that something odd was stored.

type Tone = "plain" | "good" | "bad" | "warn" | "human";

const DOT: Record<Tone, string> = {
  plain: "bg-zinc-300 dark:bg-zinc-600",
  good: "bg-emerald-500",
  bad: "bg-red-500",
  warn: "bg-amber-500",
  human: "bg-violet-500",
};

function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-zinc-600 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">{label}</summary>
      <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-4 text-zinc-800 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:text-zinc-200 dark:ring-zinc-800">
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}

function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-zinc-100 px-1 py-px font-mono text-[11px] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">{children}</code>;
}

/** The title, tone and details of one event. */
function describe(e: RunEvent): { title: ReactNode; tone: Tone; body?: ReactNode; taskId?: string } {
  switch (e.type) {
    case "run_started":
      return { title: `Run started (attempt ${e.attempt})`, tone: "plain", body: <p className="whitespace-pre-wrap">{e.input}</p> };
    case "plan":
      return {
        title: e.plan.kind === "delegate" ? `Plan: ${e.plan.tasks.length} sub-task${e.plan.tasks.length === 1 ? "" : "s"} (${e.plan.via})` : `Plan: ${e.plan.kind.replace("_", " ")} (${e.plan.via})`,
        tone: "plain",
        body: (
          <>
            {e.plan.tasks.length ? (
              <ul className="space-y-0.5">
                {e.plan.tasks.map((t) => (
                  <li key={t.id}>
                    <span className="font-medium text-zinc-800 dark:text-zinc-200">{workerLabel(t.worker)}</span> · {t.instruction}
                  </li>
                ))}
              </ul>
            ) : null}
            {e.plan.reply ? <p>{e.plan.reply}</p> : null}
            <p className="text-zinc-600 dark:text-zinc-400">Confidence {e.plan.confidence.toFixed(2)}</p>
          </>
        ),
      };
    case "worker_started":
      return { title: `${workerLabel(e.worker)} started (attempt ${e.attempt})`, tone: "plain", taskId: e.taskId, body: <p>{e.instruction}</p> };
    case "tool_call":
      return { title: <>{workerLabel(e.worker)} called <Code>{e.tool}</Code></>, tone: "plain", taskId: e.taskId, body: <Json value={e.args} label="Arguments" /> };
    case "tool_result":
      return {
        title: <><Code>{e.tool}</Code> {e.isError ? "failed" : "returned"}</>,
        tone: e.isError ? "bad" : "plain",
        taskId: e.taskId,
        body: <Json value={e.result} label="Result" />,
      };
    case "worker_partial":
      return { title: `${workerLabel(e.worker)}: progress`, tone: "plain", taskId: e.taskId, body: <p>{e.text}</p> };
    case "worker_finished":
      return {
        title: `${workerLabel(e.worker)} ${e.outcome.replace("_", " ")}`,
        tone: e.outcome === "succeeded" ? "good" : "bad",
        taskId: e.taskId,
        body: (
          <>
            <p>{e.summary}</p>
            {e.error ? <p className="text-red-700 dark:text-red-400">{e.error}</p> : null}
            <p className="text-zinc-600 dark:text-zinc-400">
              {e.confidence !== null ? `confidence ${e.confidence.toFixed(2)} · ` : ""}
              {formatCount(e.tokensIn + e.tokensOut)} tokens · {formatMs(e.latencyMs)} · cache {e.cacheHit ? "hit" : "miss"}
            </p>
          </>
        ),
      };
    case "review_requested":
      return { title: `Review requested: ${reviewKindInSentence(e.kind)}`, tone: "warn", taskId: e.taskId, body: <p>{e.summary}</p> };
    case "review_decided":
      return {
        title: e.decision === "withdrawn" ? "Review withdrawn by the customer" : `Review ${e.decision} by ${e.by}`,
        tone: "human",
        body: e.note ? <p className="whitespace-pre-wrap">{e.decision === "withdrawn" ? "In their words" : "Note"}: {e.note}</p> : undefined,
      };
    case "message_delta":
      return { title: "Reply text", tone: "plain", body: <p>{e.delta}</p> };
    case "reply_part":
      return { title: `Reply, part ${e.index + 1} (${e.taskIds.join(", ")})`, tone: "plain", body: <p className="whitespace-pre-wrap">{e.text}</p> };
    case "run_finished":
      return {
        title: `Run ${e.status.replace("_", " ")}`,
        tone: e.status === "failed" ? "bad" : e.status === "awaiting_review" ? "warn" : "good",
        body: (
          <>
            <p className="whitespace-pre-wrap">{e.reply}</p>
            <p className="text-zinc-600 dark:text-zinc-400">
              {formatCount(e.tokensIn)} tokens in · {formatCount(e.tokensOut)} out · {formatMs(e.latencyMs)}
            </p>
          </>
        ),
      };
    case "error":
      return { title: `Error${e.retryable ? " (will retry)" : ""}`, tone: "bad", taskId: e.taskId, body: <p>{e.message}</p> };
  }
}

function offset(first: Date, at: Date): string {
  return `+${formatMs(Math.max(0, at.getTime() - first.getTime()))}`;
}

/**
 * A run's events as a vertical timeline. `highlightTaskId` marks the events of one
 * sub-task (the one a review item is about).
 */
export function RunTimeline({ rows, highlightTaskId }: { rows: RunTimelineRow[]; highlightTaskId?: string }) {
  if (rows.length === 0) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="run-timeline-empty">No events were stored for this run.</p>;
  }
  const first = rows[0].createdAt;
  return (
    <ol className="relative space-y-3 border-l border-zinc-200 pl-5 dark:border-zinc-800" data-testid="run-timeline">
      {rows.map((row) => {
        const parsed = runEventSchema.safeParse(row.data);
        const d = parsed.success
          ? describe(parsed.data)
          : { title: `${row.type} (unreadable event)`, tone: "bad" as Tone, body: <Json value={row.data} label="Stored data" />, taskId: undefined };
        const highlighted = highlightTaskId !== undefined && d.taskId === highlightTaskId;
        return (
          <li key={row.seq} className="relative" data-testid="run-timeline-event" data-event-type={row.type} data-highlighted={highlighted || undefined}>
            <span aria-hidden className={`absolute top-1.5 -left-[25px] size-2.5 rounded-full ring-4 ring-white dark:ring-zinc-900 ${DOT[d.tone]}`} />
            <div className={`rounded-md text-sm ${highlighted ? "-mx-2 bg-indigo-50/70 px-2 py-1 dark:bg-indigo-950/40" : ""}`}>
              <div className="flex flex-wrap items-baseline gap-x-2">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{d.title}</span>
                <time className="ml-auto font-mono text-[11px] tabular-nums text-zinc-600 dark:text-zinc-400" dateTime={row.createdAt.toISOString()} title={row.createdAt.toISOString()}>
                  #{row.seq} · {offset(first, row.createdAt)}
                </time>
              </div>
              {d.body ? <div className="mt-0.5 space-y-1 text-xs leading-5 text-zinc-600 dark:text-zinc-400">{d.body}</div> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

