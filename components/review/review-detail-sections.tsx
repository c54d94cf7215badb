import type { ReactNode } from "react";
import type { ReviewDetail } from "@/lib/reviews/review-detail";
import { formatCents } from "@/lib/money";
import { workerLabel } from "@/lib/format/worker-label";
import { cardStyles } from "@/components/ui/styles";

// The read-only parts of a review item's page: each a card with a heading, dense and
// exact (amounts in the ledger's units, stored JSON shown as stored).

export function Section({ title, children, testId, aside }: { title: string; children: ReactNode; testId: string; aside?: ReactNode }) {
  return (
    <section className={`${cardStyles} p-4 sm:p-5`} data-testid={testId} aria-labelledby={`${testId}-h`}>
      <div className="mb-3 flex items-baseline justify-between gap-3">
        <h2 id={`${testId}-h`} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre className="overflow-x-auto rounded-md bg-zinc-50 p-3 font-mono text-xs leading-5 text-zinc-800 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:text-zinc-200 dark:ring-zinc-800" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function Facts({ rows, testId }: { rows: { label: string; value: ReactNode; testId?: string }[]; testId?: string }) {
  return (
    <dl className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" data-testid={testId}>
      {rows.map((r) => (
        <div key={r.label} className="flex items-baseline justify-between gap-4 py-1.5">
          <dt className="text-zinc-600 dark:text-zinc-400">{r.label}</dt>
          <dd className="text-right font-medium tabular-nums text-zinc-900 dark:text-zinc-100" data-testid={r.testId}>
            {r.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The action exactly as stored on the item: the tool that asked for approval, and its arguments. */
export function ProposedActionSection({ d }: { d: ReviewDetail }) {
  if (!d.proposed.raw && !d.proposed.tool) {
    return (
      <Section title="Proposed action" testId="review-proposed-action">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No action is proposed: the decision is the answer the customer gets.</p>
      </Section>
    );
  }
  return (
    <Section title="Proposed action (as stored)" testId="review-proposed-action">
      <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300">
        Tool <code className="rounded bg-zinc-100 px-1 py-px font-mono text-xs dark:bg-zinc-800" data-testid="review-proposed-tool">{d.proposed.tool ?? "unknown"}</code>
        {d.proposed.action?.type === "credit" ? <> · credit of <strong>{formatCents(d.proposed.action.amountCents)}</strong> on {d.proposed.action.invoiceId}</> : null}
        {d.proposed.action?.type === "plan_change" ? <> · move to <strong>{d.proposed.action.toPlanId}</strong>, fee <strong>{formatCents(d.proposed.action.feeCents)}</strong></> : null}
      </p>
      <p className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Approval executes</p>
      <JsonBlock value={d.proposed.raw} testId="review-proposed-json" />
      {d.proposed.args ? (
        <details className="mt-2 text-xs">
          <summary className="cursor-pointer text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">The worker&apos;s call that asked for it</summary>
          <div className="mt-1">
            <JsonBlock value={d.proposed.args} testId="review-proposed-args" />
          </div>
        </details>
      ) : null}
    </Section>
  );
}

export function PolicyRuleSection({ d }: { d: ReviewDetail }) {
  if (!d.rule) return null;
  return (
    <Section title={`Policy: ${d.rule.name}`} testId="review-policy">
      <p className="mb-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">{d.rule.text}</p>
      <Facts rows={d.rule.numbers.map((n) => ({ label: n.label, value: n.value }))} testId="review-policy-numbers" />
    </Section>
  );
}

export function AccountFactsSection({ d }: { d: ReviewDetail }) {
  const f = d.facts;
  if (!f) return null;
  const q = f.quote;
  return (
    <Section title="Account facts" testId="review-account" aside={<span className="text-xs text-zinc-500 dark:text-zinc-400">as of {f.today}</span>}>
      <Facts
        rows={[
          { label: "Status", value: f.status },
          { label: "Plan", value: f.planName },
          { label: "Balance", value: formatCents(f.balanceCents), testId: "fact-balance" },
          { label: `Credits in ${f.creditWindow.windowDays} days`, value: `${formatCents(f.creditWindow.usedCents)} of ${formatCents(f.creditWindow.limitCents)}`, testId: "fact-credits" },
          { label: "Contract ends", value: f.contractEndsOn, testId: "fact-contract-end" },
          ...(q
            ? [
                { label: "Quote", value: `${q.fromPlan.name} → ${q.toPlan.name}`, testId: "fact-quote" },
                { label: "Monthly price", value: `${formatCents(q.fromPlan.monthlyCents)} → ${formatCents(q.toPlan.monthlyCents)}` },
                { label: "Early-termination fee", value: `${formatCents(q.feeCents)} (${q.remainingMonths} months)`, testId: "fact-fee" },
              ]
            : []),
        ]}
      />
      {f.creditWindow.credits.length ? (
        <ul className="mt-2 space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
          {f.creditWindow.credits.map((c, i) => (
            <li key={i} className="flex justify-between gap-3">
              <span className="truncate">{c.issuedOn} · {c.reason}</span>
              <span className="tabular-nums">{formatCents(c.amountCents)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

export function WorkerSection({ d }: { d: ReviewDetail }) {
  return (
    <Section
      title={d.task.worker ? `${workerLabel(d.task.worker)}: result` : "Worker result"}
      testId="review-worker"
      aside={
        d.invocation ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            attempt {d.invocation.attempt} · {d.invocation.status.replace("_", " ")}
            {d.invocation.confidence !== null ? ` · confidence ${d.invocation.confidence.toFixed(2)}` : ""}
          </span>
        ) : null
      }
    >
      {d.task.instruction ? (
        <p className="mb-2 text-sm text-zinc-700 dark:text-zinc-300">
          <span className="text-zinc-500 dark:text-zinc-400">Sub-task:</span> {d.task.instruction}
        </p>
      ) : null}
      {d.result ? (
        <>
          <p className="text-sm leading-6 text-zinc-900 dark:text-zinc-100" data-testid="review-worker-summary">{d.result.summary}</p>
          {d.result.facts.length ? (
            <ul className="mt-2 list-disc space-y-0.5 pl-5 text-xs text-zinc-600 dark:text-zinc-400">
              {d.result.facts.map((f, i) => <li key={i}>{f}</li>)}
            </ul>
          ) : null}
        </>
      ) : null}
      {d.errors.length ? (
        <ul className="mt-2 space-y-1 text-sm text-red-700 dark:text-red-400" data-testid="review-worker-errors">
          {d.errors.map((e, i) => <li key={i}>{e}</li>)}
        </ul>
      ) : null}
      {d.applied.length ? (
        <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-2 dark:border-amber-700/60 dark:bg-amber-950/40" data-testid="review-applied-effects">
          <h3 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-amber-800 dark:text-amber-300">Already done before the failure (ledger)</h3>
          <ul className="space-y-0.5 text-sm text-zinc-800 dark:text-zinc-200">
            {d.applied.map((a, i) => (
              <li key={i}>
                <code className="mr-1 font-mono text-xs">{a.tool}</code> {a.statement ?? "recorded, nothing for the customer to be told"}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {d.toolCalls.length ? (
        <div className="mt-3">
          <h3 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">Tool calls</h3>
          <ol className="space-y-1.5" data-testid="review-tool-calls">
            {d.toolCalls.map((t, i) => (
              <li key={i} className="text-xs">
                <details>
                  <summary className="cursor-pointer">
                    <code className={`font-mono ${t.isError ? "text-red-700 dark:text-red-400" : "text-zinc-800 dark:text-zinc-200"}`}>{t.tool}</code>
                    <span className="ml-2 text-zinc-500 dark:text-zinc-400">{t.isError ? "failed" : (t.result as { status?: string } | null)?.status ?? "returned"}</span>
                  </summary>
                  <div className="mt-1 grid gap-1 sm:grid-cols-2">
                    <JsonBlock value={t.args} />
                    <JsonBlock value={t.result} />
                  </div>
                </details>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </Section>
  );
}

export function PlanSection({ plan }: { plan: unknown }) {
  const p = plan as { kind?: string; via?: string; tasks?: { id: string; worker: string; instruction: string }[]; reply?: string } | null;
  return (
    <Section title="Supervisor's plan" testId="review-plan" aside={p?.via ? <span className="text-xs text-zinc-500 dark:text-zinc-400">{p.via}</span> : null}>
      {!p ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No plan was stored.</p>
      ) : p.tasks?.length ? (
        <ol className="space-y-1 text-sm">
          {p.tasks.map((t) => (
            <li key={t.id} className="flex gap-2">
              <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{t.id}</span>
              <span>
                <span className="font-medium text-zinc-900 dark:text-zinc-100">{workerLabel(t.worker)}</span>
                <span className="text-zinc-700 dark:text-zinc-300"> · {t.instruction}</span>
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">{p.kind?.replace("_", " ")}{p.reply ? `: ${p.reply}` : ""}</p>
      )}
    </Section>
  );
}
