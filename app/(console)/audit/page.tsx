import type { Metadata } from "next";
import Link from "next/link";
import { Forbidden } from "@/components/auth/forbidden";
import { RunFilters } from "@/components/audit/run-filters";
import { RunTable } from "@/components/audit/run-table";
import { PageHeader } from "@/components/ui/page-header";
import { buttonStyles } from "@/components/ui/styles";
import { decodeCursor, listAuditRuns, runListFilterSchema, type RunListFilter } from "@/lib/audit/run-list";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { workers } from "@/lib/workers/registry";

export const metadata: Metadata = { title: "Audit trail" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function hrefWith(filter: RunListFilter, extra: Record<string, string>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, String(v));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "";
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const access = await requireRole(AREA_ROLES.audit, "/audit");
  if (!access.ok) return <Forbidden staff={access.staff} area="audit" />;
  const sp = await searchParams;
  const parsed = runListFilterSchema.safeParse(Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, one(v)])));
  // A hand-edited URL with a bad value shows the unfiltered list and says so, rather than failing.
  const filter: RunListFilter = parsed.success ? parsed.data : {};
  const page = await listAuditRuns({ db: getDb(), filter, after: decodeCursor(one(sp.after)), before: decodeCursor(one(sp.before)) });
  const csvHref = `/api/audit/runs/export${hrefWith(filter, {})}`;
  return (
    <div data-color-scheme="auto">
      <PageHeader title="Audit trail" description="Every run's delegation chain, from the customer's message to the reply, on a tamper-evident log. Search, filter, open a run, export.">
        <a href={csvHref} className={buttonStyles.secondary} data-testid="audit-export-csv" download>
          Export CSV
        </a>
      </PageHeader>
      <RunFilters filter={filter} workers={Object.keys(workers)} />
      {!parsed.success ? (
        <p role="alert" className="mt-3 text-sm text-amber-700 dark:text-amber-400" data-testid="audit-filter-error">
          Some filters in the address were not valid and were ignored: {parsed.error.issues.map((i) => i.path.join(".")).join(", ")}.
        </p>
      ) : null}
      <div className="mt-5">
        <RunTable rows={page.rows} />
      </div>
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-3 text-sm">
        <div className="flex gap-2">
          {page.newer ? (
            <Link href={`/audit${hrefWith(filter, { before: page.newer })}`} className={buttonStyles.secondary} data-testid="audit-newer" rel="prev">← Newer</Link>
          ) : null}
          {page.newer ? <Link href={`/audit${hrefWith(filter, {})}`} className={buttonStyles.ghost}>Newest</Link> : null}
        </div>
        <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="audit-page-size">{page.rows.length} run{page.rows.length === 1 ? "" : "s"} on this page</span>
        {page.older ? (
          <Link href={`/audit${hrefWith(filter, { after: page.older })}`} className={buttonStyles.secondary} data-testid="audit-older" rel="next">Older →</Link>
        ) : <span />}
      </nav>
    </div>
  );
}
