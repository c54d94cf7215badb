import { dataParts, type ChatMessage } from "@/lib/chat/ui-stream";
import type { Plan, ReviewStatus, RunStatus, SubTask } from "@/lib/contracts";
import { RUN_STATUS_STYLES } from "@/components/status/run-status";
import { cardStyles } from "@/components/ui/styles";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { reviewKindInSentence } from "@/components/review/review-kind";
import { WorkerCard } from "./worker-card";

const REVIEW_TONE: Record<ReviewStatus, string> = {
  pending: "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950/60 dark:text-amber-200 dark:ring-amber-800",
  approved: "bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950/60 dark:text-emerald-200 dark:ring-emerald-800",
  rejected: "bg-zinc-100 text-zinc-800 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700",
  withdrawn: "bg-zinc-100 text-zinc-800 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700",
} as const;

const sectionTitle = "text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
const muted = "text-sm text-zinc-500 dark:text-zinc-400";

function Badge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${RUN_STATUS_STYLES[status].tone}`} data-testid={testId}>
      {RUN_STATUS_STYLES[status].label}
    </span>
  );
}

function PlanSummary({ plan, running }: { plan: Plan | null; running: boolean }) {
  if (!plan) return <p className={muted}>{running ? "The supervisor is reading the message…" : "No plan was recorded."}</p>;
  const outcome =
    plan.kind === "small_talk"
      ? "Answered directly"
      : plan.kind === "handoff"
        ? "Handed to a person"
        : plan.kind === "out_of_scope"
          ? "Declined: out of scope"
          : `Delegated to ${plan.tasks.length} ${plan.tasks.length === 1 ? "worker" : "workers"}`;
  return (
    <div data-testid="agent-plan" data-plan-kind={plan.kind} data-plan-via={plan.via}>
      <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100" data-testid="agent-plan-outcome">
        {outcome}
      </p>
      <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
        {plan.via === "classifier" ? "Classifier fast path" : "Planner"} · intent confidence {plan.confidence.toFixed(2)}
      </p>
      {plan.kind !== "delegate" ? <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">No worker was needed; the supervisor replied itself.</p> : null}
    </div>
  );
}

/**
 * What the agents did for one run, live, from its message's data parts: the
 * supervisor's plan, each worker's status, tool calls and metrics, and anything
 * waiting for a person.
 */
export function AgentPanel(props: { message: ChatMessage | null; starting: boolean; reconnecting: boolean }) {
  const { starting, reconnecting } = props;
  // A new message is on its way: the previous run's activity no longer applies.
  const message = starting ? null : props.message;
  const run = message ? (dataParts(message, "run")[0] ?? null) : null;
  const plan = message ? (dataParts(message, "plan")[0] ?? null) : null;
  const workers = message ? dataParts(message, "worker") : [];
  const tools = message ? dataParts(message, "tool") : [];
  const reviews = message ? dataParts(message, "review") : [];
  // The plan's tasks, plus any worker the log knows and the plan does not.
  const planned: SubTask[] = plan?.tasks ?? [];
  const tasks = [...planned, ...workers.filter((w) => !planned.some((t) => t.id === w.taskId)).map((w) => ({ id: w.taskId, worker: w.worker, instruction: w.instruction }))];
  const runErrors = run?.errors.filter((e) => !e.taskId) ?? [];
  const active = run?.status === "queued" || run?.status === "running";

  return (
    <aside className={`${cardStyles} flex flex-col self-start`} aria-labelledby="agent-panel-heading" data-testid="agent-panel">
      <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id="agent-panel-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          Agent activity
        </h2>
        {starting ? (
          <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${RUN_STATUS_STYLES.running.tone}`}>Starting</span>
        ) : run ? (
          <Badge status={run.status} testId="agent-run-phase" />
        ) : null}
      </header>
      {/* Announced to screen readers as the run moves on; the worker details are there to browse. */}
      <p className="sr-only" aria-live="polite">
        {starting ? "Handing your message to the supervisor." : run ? `Agents: ${RUN_STATUS_STYLES[run.status].label}.` : ""}
      </p>
      {starting ? (
        <p className={`px-4 py-6 ${muted}`}>Handing your message to the supervisor…</p>
      ) : !run ? (
        <p className={`px-4 py-6 leading-6 ${muted}`}>
          The supervisor plans each message and hands its parts to specialist workers. Their progress appears here as they work.
        </p>
      ) : (
        <div className="space-y-5 px-4 py-4">
          {reconnecting ? (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800 ring-1 ring-inset ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800">
              Connection lost, reconnecting…
            </p>
          ) : null}
          <section aria-labelledby="agent-plan-heading">
            <h3 id="agent-plan-heading" className={sectionTitle}>
              Plan
            </h3>
            <div className="mt-2">
              <PlanSummary plan={plan} running={active} />
            </div>
          </section>
          {tasks.length > 0 ? (
            <section aria-labelledby="agent-workers-heading">
              <h3 id="agent-workers-heading" className={sectionTitle}>
                Workers
              </h3>
              <ul className="mt-2 space-y-2">
                {tasks.map((t) => (
                  <WorkerCard key={t.id} task={t} worker={workers.find((w) => w.taskId === t.id) ?? null} tools={tools.filter((c) => c.taskId === t.id)} />
                ))}
              </ul>
            </section>
          ) : null}
          {reviews.length > 0 ? (
            <section aria-labelledby="agent-reviews-heading">
              <h3 id="agent-reviews-heading" className={sectionTitle}>
                Human review
              </h3>
              <ul className="mt-2 space-y-2">
                {reviews.map((r) => (
                  <li
                    key={r.reviewId}
                    className={`rounded-lg px-3 py-2 text-sm ring-1 ring-inset ${REVIEW_TONE[r.status]}`}
                    data-testid="agent-review"
                    data-review-kind={r.kind}
                    data-decision={r.status}
                  >
                    <p className="font-medium">
                      {r.status === "pending"
                        ? `Waiting for a specialist: ${reviewKindInSentence(r.kind)}`
                        : r.status === "withdrawn"
                          ? `Withdrawn by the customer: ${reviewKindInSentence(r.kind)}`
                          : `A specialist ${r.status} this: ${reviewKindInSentence(r.kind)}`}
                    </p>
                    {r.summary ? <p className="mt-0.5 text-xs leading-5 opacity-90">{r.summary}</p> : null}
                    {r.note ? <p className="mt-1 text-xs opacity-90">Note: {r.note}</p> : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {runErrors.length > 0 ? (
            <section aria-labelledby="agent-errors-heading">
              <h3 id="agent-errors-heading" className={sectionTitle}>
                Problems
              </h3>
              <ul className="mt-2 space-y-1 text-xs leading-5 text-red-700 dark:text-red-400" data-testid="agent-errors">
                {runErrors.map((e) => (
                  <li key={e.seq}>
                    {e.message}
                    {e.retryable ? " (retrying)" : ""}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {run.tokens !== null && run.latencyMs !== null ? (
            <p className="border-t border-zinc-100 pt-3 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400" data-testid="agent-run-totals">
              Run total: <span className="tabular-nums text-zinc-800 dark:text-zinc-200">{formatCount(run.tokens)}</span> tokens ·{" "}
              <span className="tabular-nums text-zinc-800 dark:text-zinc-200">{formatMs(run.latencyMs)}</span>
            </p>
          ) : null}
        </div>
      )}
    </aside>
  );
}
