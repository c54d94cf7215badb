"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rollbackSettingsAction } from "@/app/(console)/settings/actions";
import { buttonStyles, cardStyles, inputStyles } from "@/components/ui/styles";
import { diffSettings, type Settings, type SettingsChange } from "@/lib/contracts";
import { ChangeList } from "./change-list";
import { ALERT_FIELDS, POLICY_FIELDS, reviewKindFields, workerFields, type FieldSpec } from "./fields";

export interface HistoryEntry {
  version: number;
  reason: string;
  createdByName: string;
  createdAt: string;
  restoredVersion: number | null;
  diff: SettingsChange[];
  /** The version's whole document, to show what a rollback to it would change. */
  settings: unknown;
}

/** Labels for any path a stored diff may hold (workers are read from the path itself). */
function fieldsForDiff(diff: SettingsChange[]): FieldSpec[] {
  const workers = [...new Set(diff.map((c) => c.path.match(/^workers\.([^.]+)\./)?.[1]).filter((w): w is string => Boolean(w)))];
  return [...POLICY_FIELDS, ...reviewKindFields().flat(), ...ALERT_FIELDS, ...workers.flatMap(workerFields)];
}

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" }) + " UTC";

/** Every version, newest first: who, when, why and what changed; any earlier one can be restored as a new version. */
export function SettingsHistory({ currentVersion, currentSettings, versions }: { currentVersion: number; currentSettings: Settings; versions: HistoryEntry[] }) {
  return (
    <section aria-labelledby="settings-history-title" className="mt-10" data-color-scheme="auto">
      <h2 id="settings-history-title" className="text-base font-semibold text-zinc-900 dark:text-zinc-100">
        History
      </h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Versions are never edited. Rolling back saves an earlier version&apos;s settings as a new version.</p>
      <ol className={`${cardStyles} mt-4 divide-y divide-zinc-100 dark:divide-zinc-800`} data-testid="settings-history">
        {versions.map((v) => (
          <HistoryRow key={v.version} entry={v} currentVersion={currentVersion} currentSettings={currentSettings} />
        ))}
      </ol>
    </section>
  );
}

function HistoryRow({ entry: v, currentVersion, currentSettings }: { entry: HistoryEntry; currentVersion: number; currentSettings: Settings }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const isCurrent = v.version === currentVersion;

  const rollback = () => {
    if (reason.trim().length < 5) {
      setError("Say why you are rolling back (at least 5 characters): it goes on the audit trail");
      return;
    }
    startTransition(async () => {
      const r = await rollbackSettingsAction({ basedOn: currentVersion, toVersion: v.version, reason });
      if (r.ok) {
        setOpen(false);
        setReason("");
        setError(null);
        router.refresh();
      } else if (r.error === "stale") setError(`Version ${r.current} was saved meanwhile: reload and try again.`);
      else if (r.error === "no_changes") setError(`Version ${v.version}'s settings are already in force.`);
      else if (r.error === "invalid_input") setError(Object.values(r.issues)[0] ?? "Check the reason.");
      else setError(r.error === "forbidden" || r.error === "unauthorized" ? "Only admins may roll back settings." : "That version does not exist.");
    });
  };

  return (
    <li className="px-5 py-4" data-testid="settings-history-entry" data-version={v.version}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-mono text-sm font-semibold text-zinc-900 dark:text-zinc-100">v{v.version}</span>
        {isCurrent ? (
          <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-900">
            in force
          </span>
        ) : null}
        {v.restoredVersion ? (
          <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300" data-testid="settings-history-restored">
            restores v{v.restoredVersion}
          </span>
        ) : null}
        <span className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="settings-history-author">
          {v.createdByName}
        </span>
        <time className="text-xs text-zinc-500 dark:text-zinc-400" dateTime={v.createdAt}>
          {when(v.createdAt)}
        </time>
        {!isCurrent ? (
          <button type="button" className={`${buttonStyles.ghost} ml-auto -my-1`} onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="settings-rollback-open">
            Roll back to v{v.version}
          </button>
        ) : null}
      </div>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="settings-history-reason">
        {v.reason}
      </p>
      {v.diff.length ? (
        <details className="mt-2 max-w-xl">
          <summary className="cursor-pointer text-xs font-medium text-zinc-600 dark:text-zinc-400">{v.diff.length === 1 ? "1 change" : `${v.diff.length} changes`}</summary>
          <ChangeList changes={v.diff} fields={fieldsForDiff(v.diff)} />
        </details>
      ) : null}
      {open ? (
        <div className="mt-3 max-w-xl rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="settings-rollback-form">
          <RollbackPreview from={currentSettings} to={v.settings} currentVersion={currentVersion} version={v.version} />
          <label htmlFor={`rollback-reason-${v.version}`} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
            Why roll back to v{v.version}? <span className="font-normal text-zinc-500">(required, on the audit trail)</span>
          </label>
          <input
            id={`rollback-reason-${v.version}`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            className={`${inputStyles} mt-1.5`}
            maxLength={500}
            aria-invalid={error ? true : undefined}
            data-testid="settings-rollback-reason"
          />
          {error ? (
            <p role="alert" className="mt-1.5 text-xs text-red-700 dark:text-red-300" data-testid="settings-rollback-error">
              {error}
            </p>
          ) : null}
          <div className="mt-2.5 flex gap-2">
            <button type="button" className={buttonStyles.primary} onClick={rollback} disabled={pending} data-testid="settings-rollback-confirm">
              {pending ? "Rolling back…" : `Save v${v.version}'s settings as v${currentVersion + 1}`}
            </button>
            <button type="button" className={buttonStyles.ghost} onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

/** What rolling back would change, from the version in force to the chosen one. */
function RollbackPreview({ from, to, currentVersion, version }: { from: Settings; to: unknown; currentVersion: number; version: number }) {
  // A worker registered since that version keeps today's settings (readStoredSettings does the same on the server).
  const target = { ...(to as Settings), workers: { ...from.workers, ...((to as Settings | null)?.workers ?? {}) } };
  const changes = diffSettings(from, target).filter((c) => !c.path.startsWith("workers.") || c.path.split(".")[1] in from.workers);
  return (
    <div className="mb-3" data-testid="settings-rollback-diff">
      <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        {changes.length === 0 ? `v${version} has the same settings as v${currentVersion}` : `${changes.length === 1 ? "1 change" : `${changes.length} changes`} from v${currentVersion}`}
      </p>
      {changes.length ? <ChangeList changes={changes} fields={fieldsForDiff(changes)} /> : null}
    </div>
  );
}
