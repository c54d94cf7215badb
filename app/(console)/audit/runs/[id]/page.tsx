import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Forbidden } from "@/components/auth/forbidden";
import { AuditEntries, ChainStatus, Invocations, Reviews, RunFigures } from "@/components/audit/run-record-view";
import { Section } from "@/components/ui/section";
import { OUTCOME_LABELS, RunStatusBadge } from "@/components/audit/run-status-badge";
import { RunTimeline } from "@/components/runs/run-timeline";
import { buttonStyles, cardStyles } from "@/components/ui/styles";
import { listRunAuditEntries, loadRunRecord, verifyRun } from "@/lib/audit/run-record";
import { runTraceLink } from "@/lib/audit/trace-link";
import { RUN_READER_ROLES } from "@/lib/auth/run-access";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listRunTimeline } from "@/lib/db/queries/run-timeline";

export const metadata: Metadata = { title: "Run · Audit trail" };

export default async function AuditRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The one rule for reading a run (lib/auth/run-access.ts), which the run API follows too.
  const access = await requireRole(RUN_READER_ROLES, `/audit/runs/${id}`);
  if (!access.ok) return <Forbidden staff={access.staff} area="audit" />;
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) notFound();
  const db = getDb();
  const run = await loadRunRecord({ db, runId: id });
  if (!run) notFound();
  const [timeline, entries, chain] = await Promise.all([listRunTimeline({ db, runId: id }), listRunAuditEntries({ db, runId: id }), verifyRun({ db, runId: id })]);
  const plan = run.plan as { kind?: string } | null;
  return (
    <div data-color-scheme="auto" className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/audit" className="text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">← Audit trail</Link>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4 border-b border-zinc-200 pb-5 dark:border-zinc-800">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{run.customer.name} <span className="font-normal text-zinc-500 dark:text-zinc-400">{run.customer.id}</span></h1>
            <RunStatusBadge status={run.status} />
            <span className="text-xs text-zinc-500 dark:text-zinc-400">{OUTCOME_LABELS[plan?.kind ?? "none"] ?? plan?.kind}</span>
          </div>
          <p className="mt-1 break-all font-mono text-xs text-zinc-500 dark:text-zinc-400" data-testid="audit-run-id">run {run.id}</p>
        </div>
        <a href={`/api/audit/runs/${run.id}/export`} download className={buttonStyles.secondary} data-testid="audit-export-json">Export JSON</a>
      </header>

      <ChainStatus report={chain} />

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Customer's message" testId="run-input">
          <p className="whitespace-pre-wrap text-sm text-zinc-800 dark:text-zinc-200">{run.input}</p>
        </Section>
        <Section title="Final reply" testId="run-reply">
          {run.reply ? <p className="whitespace-pre-wrap text-sm text-zinc-800 dark:text-zinc-200">{run.reply}</p> : <p className="text-sm text-zinc-500 dark:text-zinc-400">No reply yet.</p>}
          {run.error ? <p className="mt-2 text-xs text-red-700 dark:text-red-400">Error: {run.error}</p> : null}
        </Section>
      </div>

      <section className={`${cardStyles} p-4 sm:p-5`}>
        <RunFigures run={run} traceHref={runTraceLink(run.traceId)} />
      </section>

      <Section title={`Worker invocations (${run.invocations.length})`} testId="run-invocations">
        <Invocations run={run} />
      </Section>

      <Section title={`Reviews (${run.reviews.length})`} testId="run-reviews">
        <Reviews run={run} />
      </Section>

      <Section title="Timeline" testId="run-timeline-section" aside={<span className="text-xs text-zinc-500 dark:text-zinc-400">{timeline.length} events</span>}>
        <RunTimeline rows={timeline} />
      </Section>

      <Section title={`Audit log entries (${entries.length})`} testId="run-audit-section">
        <AuditEntries entries={entries} />
      </Section>
    </div>
  );
}
