"use client";

import { useEffect, useRef, useState } from "react";
import { startTrialAction, trialStatusAction } from "@/app/(console)/settings/actions";
import { buttonStyles } from "@/components/ui/styles";
import type { Settings } from "@/lib/contracts";
import type { TrialMetrics, TrialView } from "@/lib/settings/trial";
import { backoffMs } from "@/lib/backoff";

type Metric = { key: keyof TrialMetrics; label: string; kind: "ratio" | "count"; better: "up" | "down" | null };

const METRICS: Metric[] = [
  { key: "turnAccuracy", label: "Turns right", kind: "ratio", better: "up" },
  { key: "routingExactMatch", label: "Routing exact match", kind: "ratio", better: "up" },
  { key: "outcomeAccuracy", label: "Outcomes as expected", kind: "ratio", better: "up" },
  { key: "unsafeActions", label: "Unsafe actions", kind: "count", better: "down" },
  { key: "replyProblems", label: "Replies with problems", kind: "count", better: "down" },
  { key: "escalationRate", label: "Escalation rate", kind: "ratio", better: null },
  { key: "outOfScopeRecall", label: "Out-of-scope declined", kind: "ratio", better: "up" },
  { key: "handoffRecall", label: "Handed to a person when asked", kind: "ratio", better: "up" },
  { key: "tokensIn", label: "Tokens in", kind: "count", better: null },
  { key: "tokensOut", label: "Tokens out", kind: "count", better: null },
];

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const show = (m: Metric, v: number) => (m.kind === "ratio" ? pct(v) : v.toLocaleString("en-US"));

function delta(m: Metric, a: number, b: number) {
  const d = b - a;
  if (Math.abs(d) < 1e-9) return { text: "—", tone: "text-zinc-500 dark:text-zinc-400" };
  const text = m.kind === "ratio" ? `${d > 0 ? "+" : "−"}${(Math.abs(d) * 100).toFixed(1)} pt` : `${d > 0 ? "+" : "−"}${Math.abs(d).toLocaleString("en-US")}`;
  if (!m.better) return { text, tone: "text-zinc-700 dark:text-zinc-300" };
  const good = (d > 0) === (m.better === "up");
  return { text, tone: good ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400" };
}

/** "Test this change": runs the evaluation cases under the draft and the version in force, in the background, and shows the deltas. */
export function TrialPanel({ version, draft, evalFiles, defaultFiles }: { version: number; draft: Settings | null; evalFiles: string[]; defaultFiles: string[] }) {
  const [files, setFiles] = useState<string[]>(defaultFiles);
  const [trial, setTrial] = useState<TrialView | null>(null);
  const [testedDraft, setTestedDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const polling = useRef<ReturnType<typeof setTimeout> | null>(null);
  const draftKey = draft ? JSON.stringify(draft) : null;

  // Polls the running trial once a second. A failed poll (the server restarting) is
  // tried again a little later: the trial itself goes on, or is taken over by another
  // process, and the panel must keep following it.
  const [pollFailures, setPollFailures] = useState(0);
  useEffect(() => {
    if (!trial || trial.status !== "running") return;
    polling.current = setTimeout(
      async () => {
        try {
          const r = await trialStatusAction(trial.id);
          setPollFailures(0);
          if (r.ok) setTrial(r.trial);
          else setError(r.error === "not_found" ? "The test run has disappeared." : "Only admins may test settings.");
        } catch {
          setPollFailures((n) => n + 1);
        }
      },
      pollFailures ? backoffMs(pollFailures + 1, { baseMs: 1_000, maxMs: 5_000 }) : 1_000,
    );
    return () => {
      if (polling.current) clearTimeout(polling.current);
    };
  }, [trial, pollFailures]);

  const start = async () => {
    if (!draft) return;
    setError(null);
    setStarting(true);
    try {
      const r = await startTrialAction({ basedOn: version, settings: draft, files });
      if (r.ok) {
        setTestedDraft(draftKey);
        setTrial({ id: r.trialId, basedOn: version, files, status: "running", attempts: 1, casesDone: 0, casesTotal: 0, result: null, error: null, createdAt: new Date() });
      } else if (r.error === "busy") setError("Another test is running. Try again when it has finished.");
      else if (r.error === "stale") setError(`Version ${r.current} was saved meanwhile: reload to test against it.`);
      else if (r.error === "invalid_input") setError(Object.values(r.issues)[0] ?? "The draft is not valid.");
      else setError("Only admins may test settings.");
    } finally {
      setStarting(false);
    }
  };

  const running = trial?.status === "running";
  const outdated = trial && testedDraft !== draftKey;
  const toggle = (f: string) => setFiles((fs) => (fs.includes(f) ? fs.filter((x) => x !== f) : [...fs, f].sort()));

  return (
    <div className="mt-5 border-t border-zinc-100 pt-4 dark:border-zinc-800" data-testid="settings-trial">
      <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Test this change</h3>
      <p className="mt-1 text-xs leading-5 text-zinc-500 dark:text-zinc-400">
        Runs the evaluation cases on a scratch copy of the world, a database of its own, under version {version} and under this draft: the numbers <code className="font-mono">npm run eval</code> prints for the same files and settings. Nothing in the live world changes.
      </p>
      <fieldset className="mt-3" disabled={running || starting}>
        <legend className="sr-only">Evaluation files</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1.5">
          {evalFiles.map((f) => (
            <label key={f} className="flex items-center gap-1.5 text-xs text-zinc-700 dark:text-zinc-300">
              <input type="checkbox" checked={files.includes(f)} onChange={() => toggle(f)} className="size-3.5 rounded border-zinc-300 dark:border-zinc-600" data-testid={`trial-file-${f}`} />
              <span className="font-mono">{f}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <button type="button" className={`${buttonStyles.secondary} mt-3 w-full`} onClick={start} disabled={!draft || running || starting || files.length === 0} data-testid="trial-start">
        {running ? "Testing…" : starting ? "Starting…" : trial && !outdated ? "Test again" : "Test this change"}
      </button>
      {error ? (
        <p role="alert" className="mt-2 text-xs text-red-700 dark:text-red-300" data-testid="trial-error">
          {error}
        </p>
      ) : null}

      {trial?.status === "running" ? (
        <div className="mt-3" data-testid="trial-progress">
          <div className="flex justify-between text-xs text-zinc-500 dark:text-zinc-400">
            <span>{trial.casesTotal ? (trial.casesDone < trial.casesTotal / 2 ? `Under version ${version}` : "Under the draft") : "Preparing a scratch world"}</span>
            <span className="tabular-nums">{trial.casesTotal ? `${trial.casesDone} / ${trial.casesTotal} runs` : ""}</span>
          </div>
          <div
            className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
            role="progressbar"
            aria-label="Test progress"
            aria-valuemin={0}
            aria-valuemax={trial.casesTotal || 1}
            aria-valuenow={trial.casesDone}
          >
            <div className="h-full rounded-full bg-indigo-500 transition-[width]" style={{ width: `${trial.casesTotal ? (100 * trial.casesDone) / trial.casesTotal : 2}%` }} />
          </div>
          {trial.attempts > 1 ? (
            <p className="mt-1.5 text-xs text-amber-800 dark:text-amber-200" data-testid="trial-restarted">
              The server running this test stopped, so the test started again from the first case.
            </p>
          ) : pollFailures > 1 ? (
            <p className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400" data-testid="trial-reconnecting">
              Can’t reach the server. Still trying…
            </p>
          ) : null}
        </div>
      ) : null}
      {trial?.status === "failed" || trial?.status === "interrupted" ? (
        <p role="alert" className="mt-2 text-xs text-red-700 dark:text-red-300" data-testid="trial-failed">
          {trial.status === "interrupted" ? `The test was interrupted. ${trial.error ?? "Run it again."}` : `The test failed: ${trial.error ?? "unknown error"}`}
        </p>
      ) : null}

      {trial?.status === "done" && trial.result ? (
        <div className="mt-3" data-testid="trial-result">
          {outdated ? (
            <p className="mb-2 rounded-md bg-amber-50 px-2.5 py-1.5 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="trial-outdated">
              These results are for an earlier draft. Test again to see this one.
            </p>
          ) : null}
          <table className="w-full text-xs tabular-nums">
            <caption className="sr-only">Evaluation metrics under version {version} and under the draft</caption>
            <thead>
              <tr className="text-left text-zinc-500 dark:text-zinc-400">
                <th scope="col" className="py-1 font-medium">
                  {trial.result.current.cases} cases
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  v{version}
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Draft
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Δ
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {/* A trial stored before a figure existed has no value for it: that row is left out. */}
              {METRICS.filter((m) => typeof trial.result!.current[m.key] === "number" && typeof trial.result!.draft[m.key] === "number").map((m) => {
                const a = trial.result!.current[m.key] as number;
                const b = trial.result!.draft[m.key] as number;
                const d = delta(m, a, b);
                return (
                  <tr key={m.key} data-testid={`trial-metric-${m.key}`}>
                    <th scope="row" className="py-1.5 pr-2 text-left font-normal text-zinc-700 dark:text-zinc-300">
                      {m.label}
                    </th>
                    <td className="py-1.5 text-right text-zinc-600 dark:text-zinc-400">{show(m, a)}</td>
                    <td className="py-1.5 text-right font-medium text-zinc-900 dark:text-zinc-100">{show(m, b)}</td>
                    <td className={`py-1.5 pl-2 text-right font-medium ${d.tone}`} data-testid="trial-delta">
                      {d.text}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {trial.result.changed.length ? (
            <details className="mt-3 text-xs" open={trial.result.changed.length <= 5}>
              <summary className="cursor-pointer font-medium text-zinc-700 dark:text-zinc-300" data-testid="trial-changed-summary">
                {trial.result.changed.length === 1 ? "1 case turns out differently" : `${trial.result.changed.length} cases turn out differently`}
              </summary>
              <ul className="mt-2 space-y-2" data-testid="trial-changed">
                {trial.result.changed.slice(0, 30).map((c) => (
                  <li key={c.id} className="rounded-md bg-zinc-50 p-2 dark:bg-zinc-950">
                    <p className="truncate text-zinc-600 dark:text-zinc-400" title={c.message}>
                      <span className="font-mono">{c.id}</span> · {c.message}
                    </p>
                    <p className="mt-0.5 text-zinc-600 line-through decoration-zinc-400 dark:text-zinc-400 dark:decoration-zinc-500">{c.current}</p>
                    <p className="text-zinc-900 dark:text-zinc-100">{c.draft}</p>
                  </li>
                ))}
              </ul>
            </details>
          ) : (
            <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400" data-testid="trial-no-changed">
              No case turns out differently.
            </p>
          )}
        </div>
      ) : null}
    </div>
  );
}
