import Link from "next/link";
import { REVIEW_KINDS } from "@/lib/contracts";
import { queueHref, type QueueParams } from "@/lib/reviews/queue-params";
import { workerLabel } from "@/lib/format/worker-label";
import { FilterSelect } from "@/components/ui/filter-select";
import { buttonStyles } from "@/components/ui/styles";
import { REVIEW_KIND_LABELS } from "./review-kind";

const SORT_LABELS = { due: "Due first (overdue on top)", oldest: "Oldest first", newest: "Newest first", amount: "Largest amount" } as const;

const field =
  "h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 shadow-xs focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/20 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100";
const label = "text-[11px] font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400";

function Toggle({ href, on, children, testId }: { href: string; on: boolean; children: string; testId: string }) {
  return (
    <Link
      href={href}
      aria-pressed={on}
      data-testid={testId}
      className={`inline-flex h-8 items-center rounded-md px-2.5 text-sm font-medium ring-1 ring-inset transition-colors ${
        on
          ? "bg-indigo-600 text-white ring-indigo-600 dark:bg-indigo-500 dark:ring-indigo-500"
          : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
      }`}
    >
      {children}
    </Link>
  );
}

/** Filters and sort as a GET form (the URL is the view), with one-click toggles for overdue and mine. */
export function QueueFilters({ params, workers }: { params: QueueParams; workers: string[] }) {
  const f = params.filters;
  return (
    <div className="mb-4 flex flex-wrap items-end gap-3" data-testid="review-filters">
      <form method="get" action="/reviews" className="flex flex-wrap items-end gap-3">
        {f.overdue ? <input type="hidden" name="overdue" value="1" /> : null}
        {f.mine ? <input type="hidden" name="mine" value="1" /> : null}
        <FilterSelect label="Kind" name="kind" value={f.kind} anyLabel="All kinds" testId="filter-kind" className="flex flex-col gap-1" labelClassName={label} selectClassName={field}
          options={REVIEW_KINDS.map((k) => ({ value: k, label: REVIEW_KIND_LABELS[k] }))} />
        <FilterSelect label="Worker" name="worker" value={f.worker} anyLabel="All workers" testId="filter-worker" className="flex flex-col gap-1" labelClassName={label} selectClassName={field}
          options={workers.map((w) => ({ value: w, label: workerLabel(w) }))} />
        <label className="flex flex-col gap-1">
          <span className={label}>Customer</span>
          <input name="customer" defaultValue={f.customerId ?? ""} placeholder="C-1002" pattern="C-\d{1,8}" className={`${field} w-28 font-mono`} data-testid="filter-customer" />
        </label>
        <FilterSelect label="Sort" name="sort" value={params.sort} testId="filter-sort" className="flex flex-col gap-1" labelClassName={label} selectClassName={field}
          options={Object.entries(SORT_LABELS).map(([value, l]) => ({ value, label: l }))} />
        <button type="submit" className={`${buttonStyles.secondary} h-8`} data-testid="filter-apply">
          Apply
        </button>
      </form>
      <div className="flex items-center gap-2">
        <Toggle href={queueHref(params, { overdue: f.overdue ? undefined : "1" })} on={!!f.overdue} testId="filter-overdue">
          Overdue
        </Toggle>
        <Toggle href={queueHref(params, { mine: f.mine ? undefined : "1" })} on={!!f.mine} testId="filter-mine">
          Claimed by me
        </Toggle>
        {f.kind || f.worker || f.customerId || f.overdue || f.mine ? (
          <Link href={params.sort === "due" ? "/reviews" : `/reviews?sort=${params.sort}`} className="text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400" data-testid="filter-clear">
            Clear
          </Link>
        ) : null}
      </div>
    </div>
  );
}
