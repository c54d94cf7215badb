import Link from "next/link";
import { RUN_OUTCOMES, type RunListFilter } from "@/lib/audit/run-list";
import { RUN_STATUSES } from "@/lib/contracts";
import { RUN_STATUS_STYLES } from "@/components/status/run-status";
import { workerLabel } from "@/lib/format/worker-label";
import { FilterSelect } from "@/components/ui/filter-select";
import { buttonStyles, inputStyles } from "@/components/ui/styles";
import { OUTCOME_LABELS } from "./run-status-badge";

const field = "flex min-w-0 flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400";
const control = `${inputStyles} h-9 !py-1.5`;

/**
 * The run list's search and filters: a plain GET form, so a filtered list is a URL
 * (shareable, bookmarkable) and works without JavaScript.
 */
export function RunFilters({ filter, workers }: { filter: RunListFilter; workers: readonly string[] }) {
  return (
    <form method="get" action="/audit" role="search" aria-label="Search and filter runs" data-testid="audit-filters"
      className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-[minmax(0,2.2fr)_repeat(6,minmax(0,1fr))_auto] lg:items-end">
      <label className={`${field} col-span-2 sm:col-span-4 lg:col-span-1`}>
        Search
        <input type="search" name="q" defaultValue={filter.q ?? ""} placeholder="Run id, customer, or words" className={control} data-testid="audit-search" />
      </label>
      <FilterSelect label="Status" name="status" value={filter.status} anyLabel="Any" testId="audit-filter-status" className={field} selectClassName={control}
        options={RUN_STATUSES.map((s) => ({ value: s, label: RUN_STATUS_STYLES[s].label }))} />
      <FilterSelect label="Worker" name="worker" value={filter.worker} anyLabel="Any" testId="audit-filter-worker" className={field} selectClassName={control}
        options={workers.map((w) => ({ value: w, label: workerLabel(w) }))} />
      <FilterSelect label="Escalated" name="escalated" value={filter.escalated} anyLabel="Any" testId="audit-filter-escalated" className={field} selectClassName={control}
        options={[{ value: "yes", label: "Yes" }, { value: "no", label: "No" }]} />
      <FilterSelect label="Outcome" name="outcome" value={filter.outcome} anyLabel="Any" testId="audit-filter-outcome" className={field} selectClassName={control}
        options={RUN_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))} />
      <label className={field}>
        From
        <input type="date" name="from" defaultValue={filter.from ?? ""} className={control} data-testid="audit-filter-from" />
      </label>
      <label className={field}>
        To
        <input type="date" name="to" defaultValue={filter.to ?? ""} className={control} data-testid="audit-filter-to" />
      </label>
      <div className="col-span-2 flex items-center gap-2 sm:col-span-4 lg:col-span-1">
        <button type="submit" className={buttonStyles.primary} data-testid="audit-apply">Apply</button>
        <Link href="/audit" className={buttonStyles.ghost}>Clear</Link>
      </div>
    </form>
  );
}
