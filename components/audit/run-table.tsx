import Link from "next/link";
import type { RunListRow } from "@/lib/audit/run-list";
import { formatCount, formatMs } from "@/lib/format/numbers";
import { workerLabel } from "@/lib/format/worker-label";
import { cardStyles } from "@/components/ui/styles";
import { OUTCOME_LABELS, RunStatusBadge } from "./run-status-badge";

const th = "px-3 py-2 text-left text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
const td = "px-3 py-2.5 align-top";

function when(d: Date) {
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/** One page of runs; each row opens the run's audit page. */
export function RunTable({ rows }: { rows: RunListRow[] }) {
  if (rows.length === 0) {
    return (
      <div className={`${cardStyles} px-6 py-12 text-center`} data-testid="audit-empty">
        <h2 className="text-base font-semibold text-zinc-900 dark:text-zinc-100">No runs match</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Change the search or clear the filters.</p>
      </div>
    );
  }
  return (
    <div className={`${cardStyles} overflow-hidden`}>
      <table className="w-full table-fixed text-sm" data-testid="audit-runs">
        <thead className="border-b border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-950/40">
          <tr>
            <th scope="col" className={`${th} w-36 max-sm:hidden`}>Started (UTC)</th>
            <th scope="col" className={th}>Customer and message</th>
            <th scope="col" className={`${th} w-40 max-md:hidden`}>Workers</th>
            <th scope="col" className={`${th} w-32`}>Status</th>
            <th scope="col" className={`${th} w-24 text-right max-lg:hidden`}>Tokens</th>
            <th scope="col" className={`${th} w-20 text-right max-lg:hidden`}>Latency</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((r) => (
            <tr key={r.id} className="group relative hover:bg-zinc-50 dark:hover:bg-zinc-800/50" data-testid="audit-run-row" data-run-id={r.id}>
              <td className={`${td} font-mono text-xs tabular-nums text-zinc-500 max-sm:hidden dark:text-zinc-400`}>
                <time dateTime={r.createdAt.toISOString()}>{when(r.createdAt)}</time>
              </td>
              <td className={`${td} min-w-0`}>
                <Link href={`/audit/runs/${r.id}`} className="font-medium text-zinc-900 after:absolute after:inset-0 dark:text-zinc-100" data-testid="audit-run-link">
                  {r.customerName} <span className="font-normal text-zinc-500 dark:text-zinc-400">{r.customerId}</span>
                </Link>
                <p className="mt-0.5 truncate text-xs text-zinc-600 dark:text-zinc-400" title={r.input}>{r.input}</p>
                <p className="mt-0.5 text-[11px] text-zinc-500 sm:hidden dark:text-zinc-500">{when(r.createdAt)} · {formatCount(r.tokensIn + r.tokensOut)} tokens</p>
              </td>
              <td className={`${td} text-xs text-zinc-700 max-md:hidden dark:text-zinc-300`}>
                {r.workers.length ? r.workers.map(workerLabel).join(", ") : <span className="text-zinc-400">{OUTCOME_LABELS[r.outcome]}</span>}
              </td>
              <td className={td}>
                <div className="flex flex-col items-start gap-1">
                  <RunStatusBadge status={r.status} />
                  {r.reviews > 0 ? <span className="text-[11px] text-amber-700 dark:text-amber-400" data-testid="audit-run-escalated">{r.reviews} review{r.reviews === 1 ? "" : "s"}</span> : null}
                </div>
              </td>
              <td className={`${td} text-right font-mono text-xs tabular-nums text-zinc-700 max-lg:hidden dark:text-zinc-300`}>{formatCount(r.tokensIn + r.tokensOut)}</td>
              <td className={`${td} text-right font-mono text-xs tabular-nums text-zinc-700 max-lg:hidden dark:text-zinc-300`}>{r.latencyMs === null ? "—" : formatMs(r.latencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
