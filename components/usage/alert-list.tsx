"use client";

import { useActionState } from "react";
import type { AcknowledgeState } from "@/app/(console)/usage/actions";
import { buttonStyles } from "@/components/ui/styles";

type Alert = { id: string; runId: string; worker: string; metric: string; message: string; createdAt: string; acknowledgedAt: string | null; acknowledgedBy: string | null; deliveredAt: string | null; deliveryError: string | null };

const METRIC_LABELS: Record<string, string> = {
  tokens: "Tokens",
  latency: "Latency",
  run_token_budget: "Run budget",
  daily_token_budget: "Daily budget",
};

function AckButton({ alertId, action }: { alertId: string; action: (state: AcknowledgeState, form: FormData) => Promise<AcknowledgeState> }) {
  const [state, formAction, pending] = useActionState(action, { ok: null });
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="alertId" value={alertId} />
      <button type="submit" className={buttonStyles.secondary} disabled={pending} data-testid="alert-acknowledge">
        {pending ? "Acknowledging…" : "Acknowledge"}
      </button>
      {state.ok === false ? <span role="alert" className="text-xs text-red-700 dark:text-red-400">{state.message}</span> : null}
    </form>
  );
}

/** Open alerts with their acknowledge button, then the recently acknowledged ones. */
export function AlertList({ open, acknowledged, action }: { open: Alert[]; acknowledged: Alert[]; action: (state: AcknowledgeState, form: FormData) => Promise<AcknowledgeState> }) {
  return (
    <div className="space-y-3">
      {open.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="alerts-none">No open alerts. A worker whose tokens or latency stray far from its recent baseline, or a run or day past its token budget, shows here.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="alerts-open">
          {open.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3 first:pt-0" data-testid="alert" data-metric={a.metric}>
              <span className="inline-flex w-24 shrink-0 justify-center rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-200 ring-inset dark:bg-red-950 dark:text-red-300 dark:ring-red-900">
                {METRIC_LABELS[a.metric] ?? a.metric}
              </span>
              <div className="min-w-0 flex-1 basis-60 text-sm">
                <p className="text-zinc-900 dark:text-zinc-100">{a.message}</p>
                <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
                  {a.createdAt.replace("T", " ").slice(0, 16)} UTC · <a className="underline decoration-zinc-300 underline-offset-2 hover:text-zinc-900 dark:hover:text-zinc-100" href={`/audit/runs/${a.runId}`}>open the run</a>
                  {a.deliveredAt ? " · posted to the webhook" : a.deliveryError ? ` · webhook: ${a.deliveryError}` : ""}
                </p>
              </div>
              <AckButton alertId={a.id} action={action} />
            </li>
          ))}
        </ul>
      )}
      {acknowledged.length ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-xs text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">Recently acknowledged ({acknowledged.length})</summary>
          <ul className="mt-2 space-y-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="alerts-acknowledged">
            {acknowledged.map((a) => (
              <li key={a.id}>{a.message} · acknowledged by {a.acknowledgedBy}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
