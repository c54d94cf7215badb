import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Forbidden } from "@/components/auth/forbidden";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { workerLabel } from "@/lib/format/worker-label";
import { Section } from "@/components/ui/section";
import { AlertList } from "@/components/usage/alert-list";
import { CostPerDayChart, TokensPerDayChart } from "@/components/usage/usage-charts";
import { PageHeader } from "@/components/ui/page-header";
import { cardStyles } from "@/components/ui/styles";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getSettingsSource } from "@/lib/server/app-process";
import { listAlerts } from "@/lib/usage/alerts";
import { priceTableFromEnv } from "@/lib/usage/prices";
import { loadUsageReport } from "@/lib/usage/usage-report";
import { acknowledgeAlertAction } from "./actions";

export const metadata: Metadata = { title: "Usage" };

const WINDOWS = [7, 14, 30] as const;
const usd = (n: number | null) => (n === null ? "unpriced" : n < 0.01 && n > 0 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);
const pct = (n: number) => `${(n * 100).toFixed(n > 0 && n < 0.1 ? 1 : 0)}%`;
const roleLabel = (r: string) => (r === "supervisor" ? "Supervisor" : r === "synthesis" ? "Synthesis" : workerLabel(r));

function Kpi({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: string; testId?: string }) {
  return (
    <div className={`${cardStyles} p-4`} data-testid={testId}>
      <p className="text-[11px] font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className="mt-1 font-mono text-xl tabular-nums text-zinc-900 dark:text-zinc-50">{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">{hint}</p> : null}
    </div>
  );
}

const th = "px-3 py-2 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
const td = "px-3 py-2 font-mono text-xs tabular-nums text-zinc-700 dark:text-zinc-300";

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireRole(AREA_ROLES.usage, "/usage");
  if (!access.ok) return <Forbidden staff={access.staff} area="usage" />;
  const raw = Number((await searchParams).days);
  const days = (WINDOWS as readonly number[]).includes(raw) ? raw : 14;
  const db = getDb();
  const prices = priceTableFromEnv();
  const [report, alerts, current] = await Promise.all([loadUsageReport({ db, days, prices }), listAlerts({ db }), getSettingsSource().current()]);
  const thresholds = current.settings.alerts;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const toClient = (a: (typeof alerts.open)[number]) => ({
    id: a.id, runId: a.runId, worker: a.worker, metric: a.metric, message: a.message, createdAt: a.createdAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt), acknowledgedBy: a.acknowledgedBy, deliveredAt: iso(a.deliveredAt), deliveryError: a.deliveryError,
  });
  return (
    <div data-color-scheme="auto" className="space-y-5">
      <PageHeader title="Usage" description="Tokens, estimated cost and how the workers perform, with alerts when a worker strays from its baseline or a budget is passed.">
        <nav aria-label="Window" className="flex rounded-md border border-zinc-200 p-0.5 text-sm dark:border-zinc-700">
          {WINDOWS.map((w) => (
            <Link key={w} href={`/usage?days=${w}`} aria-current={w === days ? "page" : undefined} data-testid={`usage-window-${w}`}
              className={`rounded px-2.5 py-1 ${w === days ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"}`}>
              {w} days
            </Link>
          ))}
        </nav>
      </PageHeader>

      <Section title={`Alerts (${alerts.open.length} open)`} testId="usage-alerts"
        aside={<span className="text-xs text-zinc-500 dark:text-zinc-400">z ≥ {thresholds.zScoreThreshold} after {thresholds.minSamples} samples · {formatCount(thresholds.runTokenBudget)} tokens per run · {formatCount(thresholds.dailyTokenBudget)} per day</span>}>
        <AlertList open={alerts.open.map(toClient)} acknowledged={alerts.acknowledged.map(toClient)} action={acknowledgeAlertAction} />
      </Section>

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Kpi label="Runs" value={formatCount(report.totals.runs)} hint={`${report.totals.failedRuns} failed`} testId="usage-kpi-runs" />
        <Kpi label="Tokens" value={formatCount(report.totals.tokens)} hint={report.totals.runs ? `${formatCount(Math.round(report.totals.tokens / report.totals.runs))} per run` : undefined} testId="usage-kpi-tokens" />
        <Kpi label="Estimated cost" value={usd(report.totals.costUsd)} hint={report.totals.runs ? `${usd(report.totals.costUsd / report.totals.runs)} per run` : undefined} testId="usage-kpi-cost" />
        <Kpi label="Escalation rate" value={pct(report.totals.escalationRate)} hint={`${report.totals.escalatedRuns} runs went to a person`} testId="usage-kpi-escalation" />
      </div>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Tokens per day" testId="usage-tokens-chart">
          <TokensPerDayChart days={report.days} roles={report.roles} labels={Object.fromEntries(report.roles.map((r) => [r, roleLabel(r)]))} />
        </Section>
        <Section title="Estimated cost per day" testId="usage-cost-chart">
          <CostPerDayChart days={report.days} />
        </Section>
      </div>

      <Section title="Workers" testId="usage-workers">
        <div className="-mx-4 overflow-x-auto sm:-mx-5">
          <table className="w-full min-w-[640px] text-sm">
            <thead className="border-b border-zinc-200 dark:border-zinc-800">
              <tr>
                <th className={th}>Worker</th><th className={`${th} text-right`}>Invocations</th><th className={`${th} text-right`}>Tokens</th><th className={`${th} text-right`}>Est. cost</th>
                <th className={`${th} text-right`}>p50</th><th className={`${th} text-right`}>p95</th><th className={`${th} text-right`}>Cache hits</th><th className={`${th} text-right`}>Failed</th><th className={`${th} text-right`}>Timed out</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {report.workers.length === 0 ? (
                <tr><td colSpan={9} className="px-3 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">No worker ran in this window.</td></tr>
              ) : report.workers.map((w) => (
                <tr key={w.worker} data-testid="usage-worker-row" data-worker={w.worker}>
                  <td className="px-3 py-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">{workerLabel(w.worker)}</td>
                  <td className={`${td} text-right`}>{formatCount(w.invocations)}</td>
                  <td className={`${td} text-right`}>{formatCount(w.tokens)}</td>
                  <td className={`${td} text-right`}>{usd(w.costUsd)}</td>
                  <td className={`${td} text-right`}>{w.p50LatencyMs === null ? "—" : formatMs(w.p50LatencyMs)}</td>
                  <td className={`${td} text-right`}>{w.p95LatencyMs === null ? "—" : formatMs(w.p95LatencyMs)}</td>
                  <td className={`${td} text-right`}>{pct(w.cacheHitRate)}</td>
                  <td className={`${td} text-right`}>{pct(w.failureRate)}</td>
                  <td className={`${td} text-right`}>{pct(w.timeoutRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">Latency percentiles leave cache hits out. Tokens and cost count each worker&apos;s own model calls.</p>
      </Section>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Models and prices" testId="usage-models">
          <table className="w-full text-sm">
            <thead className="border-b border-zinc-200 dark:border-zinc-800">
              <tr><th className={th}>Model</th><th className={`${th} text-right`}>Calls</th><th className={`${th} text-right max-sm:hidden`}>$ / M in · out</th><th className={`${th} text-right`}>Est. cost</th></tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {report.models.map((m) => (
                <tr key={m.model} data-testid="usage-model-row">
                  <td className="px-3 py-2 font-mono text-xs text-zinc-900 dark:text-zinc-100">{m.model}</td>
                  <td className={`${td} text-right`}>{formatCount(m.calls)}</td>
                  <td className={`${td} text-right max-sm:hidden`}>{m.price ? `${m.price.inputPerMTok} · ${m.price.outputPerMTok}` : "—"}</td>
                  <td className={`${td} text-right`}>{usd(m.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">Prices per million tokens from the price table (MODEL_PRICES); the local model is priced like gpt-4.1-mini.</p>
        </Section>
        <Section title="Costliest runs" testId="usage-top-runs">
          {report.topRuns.length === 0 ? <p className="text-sm text-zinc-500 dark:text-zinc-400">No runs in this window.</p> : (
            <ol className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {report.topRuns.map((r) => (
                <li key={r.id} className="flex flex-wrap items-baseline gap-x-3 py-1.5">
                  <Link href={`/audit/runs/${r.id}`} className="shrink-0 font-mono text-xs text-zinc-700 underline decoration-zinc-300 underline-offset-2 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100">{r.id.slice(0, 8)}</Link>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">{r.customerId} · {r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</span>
                  <span className="ml-auto font-mono text-xs tabular-nums text-zinc-700 dark:text-zinc-300">{formatCount(r.tokens)} tok · {usd(r.costUsd)}</span>
                </li>
              ))}
            </ol>
          )}
        </Section>
      </div>
    </div>
  );
}
