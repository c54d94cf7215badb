import type { RunPhase, RunView } from "@/lib/chat/run-view";
import type { Plan, SubTask } from "@/lib/contracts";
import { cardStyles } from "@/components/ui/styles";
import { formatCount, formatMs, REVIEW_LABELS } from "./labels";
import { WorkerCard } from "./worker-card";

const PHASE: Record<RunPhase, { label: string; tone: string }> = {
  running: { label: "Running", tone: "bg-indigo-50 text-indigo-700 ring-indigo-200" },
  completed: { label: "Completed", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  awaiting_review: { label: "Awaiting review", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  failed: { label: "Failed", tone: "bg-red-50 text-red-800 ring-red-200" },
};

const sectionTitle = "text-xs font-medium uppercase tracking-wide text-zinc-500";

function PlanSummary({ plan, running }: { plan: Plan | null; running: boolean }) {
  if (!plan) return <p className="text-sm text-zinc-500">{running ? "The supervisor is reading the message…" : "No plan was recorded."}</p>;
  const outcome =
    plan.kind === "small_talk"
      ? "Answered directly"
      : plan.kind === "out_of_scope"
        ? "Declined: out of scope"
        : `Delegated to ${plan.tasks.length} ${plan.tasks.length === 1 ? "worker" : "workers"}`;
  return (
    <div data-testid="agent-plan" data-plan-kind={plan.kind} data-plan-via={plan.via}>
      <p className="text-sm font-medium text-zinc-900" data-testid="agent-plan-outcome">
        {outcome}
      </p>
      <p className="mt-0.5 text-xs text-zinc-500">
        {plan.via === "classifier" ? "Classifier fast path" : "Planner"} · intent confidence {plan.confidence.toFixed(2)}
      </p>
      {plan.kind !== "delegate" ? <p className="mt-1 text-xs text-zinc-500">No worker was needed; the supervisor replied itself.</p> : null}
    </div>
  );
}

/** The tasks to show: the plan's, plus any worker the log knows and the plan does not. */
function tasksOf(run: RunView): SubTask[] {
  const planned = run.plan?.tasks ?? [];
  const extra = run.workers.filter((w) => !planned.some((t) => t.id === w.taskId)).map((w) => ({ id: w.taskId, worker: w.worker, instruction: w.instruction }));
  return [...planned, ...extra];
}

/**
 * What the agents did for one run, live: the supervisor's plan, each worker's status
 * and progress, and anything waiting for a human.
 */
export function AgentPanel(props: { run: RunView | null; starting: boolean; reconnecting: boolean }) {
  const { starting, reconnecting } = props;
  // A new message is on its way: the previous run's activity no longer applies.
  const run = starting ? null : props.run;
  const tasks = run ? tasksOf(run) : [];
  const runErrors = run?.errors.filter((e) => !e.taskId) ?? [];
  return (
    <aside className={`${cardStyles} flex flex-col self-start`} aria-labelledby="agent-panel-heading" data-testid="agent-panel">
      <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3">
        <h2 id="agent-panel-heading" className="text-sm font-semibold text-zinc-900">
          Agent activity
        </h2>
        {starting ? (
          <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${PHASE.running.tone}`}>Starting</span>
        ) : run ? (
          <span
            className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${PHASE[run.phase].tone}`}
            data-testid="agent-run-phase"
          >
            {PHASE[run.phase].label}
          </span>
        ) : null}
      </header>
      {starting ? (
        <p className="px-4 py-6 text-sm text-zinc-500">Handing your message to the supervisor…</p>
      ) : !run ? (
        <p className="px-4 py-6 text-sm leading-6 text-zinc-500">
          The supervisor plans each message and hands its parts to specialist workers. Their progress appears here as they work.
        </p>
      ) : (
        <div className="space-y-5 px-4 py-4">
          {reconnecting ? (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800 ring-1 ring-inset ring-amber-200">
              Connection lost, reconnecting…
            </p>
          ) : null}
          <section aria-labelledby="agent-plan-heading">
            <h3 id="agent-plan-heading" className={sectionTitle}>
              Plan
            </h3>
            <div className="mt-2">
              <PlanSummary plan={run.plan} running={run.phase === "running"} />
            </div>
          </section>
          {tasks.length > 0 ? (
            <section aria-labelledby="agent-workers-heading">
              <h3 id="agent-workers-heading" className={sectionTitle}>
                Workers
              </h3>
              <ul className="mt-2 space-y-2">
                {tasks.map((t) => (
                  <WorkerCard key={t.id} task={t} worker={run.workers.find((w) => w.taskId === t.id) ?? null} />
                ))}
              </ul>
            </section>
          ) : null}
          {run.reviews.length > 0 ? (
            <section aria-labelledby="agent-reviews-heading">
              <h3 id="agent-reviews-heading" className={sectionTitle}>
                Human review
              </h3>
              <ul className="mt-2 space-y-2">
                {run.reviews.map((r) => (
                  <li
                    key={r.reviewId}
                    className="rounded-lg bg-amber-50 px-3 py-2 text-sm ring-1 ring-inset ring-amber-200"
                    data-testid="agent-review"
                    data-review-kind={r.kind}
                    data-decision={r.decision?.decision ?? "pending"}
                  >
                    <p className="font-medium text-amber-900">
                      {r.decision ? `A specialist ${r.decision.decision} this: ${REVIEW_LABELS[r.kind]}` : `Waiting for a specialist: ${REVIEW_LABELS[r.kind]}`}
                    </p>
                    <p className="mt-0.5 text-xs leading-5 text-amber-800">{r.summary}</p>
                    {r.decision?.note ? <p className="mt-1 text-xs text-amber-800">Note: {r.decision.note}</p> : null}
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
              <ul className="mt-2 space-y-1 text-xs leading-5 text-red-700" data-testid="agent-errors">
                {runErrors.map((e) => (
                  <li key={e.seq}>
                    {e.message}
                    {e.retryable ? " (retrying)" : ""}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {run.totals ? (
            <p className="border-t border-zinc-100 pt-3 text-xs text-zinc-500" data-testid="agent-run-totals">
              Run total: <span className="tabular-nums text-zinc-800">{formatCount(run.totals.tokens)}</span> tokens ·{" "}
              <span className="tabular-nums text-zinc-800">{formatMs(run.totals.latencyMs)}</span>
            </p>
          ) : null}
        </div>
      )}
    </aside>
  );
}
