"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { saveSettingsAction } from "@/app/(console)/settings/actions";
import { buttonStyles, cardStyles, inputStyles, labelStyles } from "@/components/ui/styles";
import { diffSettings, settingsIssues, settingsSchemaFor, type Settings } from "@/lib/contracts";
import { ChangeList } from "./change-list";
import { ALERT_FIELDS, POLICY_FIELDS, allFields, fieldMessage, reviewKindFields, toDocument, toValues, workerFields, type FieldSpec, type FormValues } from "./fields";
import { workerLabel } from "@/lib/format/worker-label";
import { TrialPanel } from "./trial-panel";

const REFUSALS: Record<string, string> = {
  unauthorized: "Your session has ended. Sign in again to save.",
  forbidden: "Only admins may change settings.",
  no_changes: "Nothing changed: the draft is the same as the version in force.",
  not_found: "That version does not exist.",
};

/** The settings form: inline validation with the server's own schema, the diff, a test run, a reason, save. */
export function SettingsEditor({ version, settings, evalFiles, defaultFiles }: { version: number; settings: Settings; evalFiles: string[]; defaultFiles: string[] }) {
  const router = useRouter();
  const fields = useMemo(() => allFields(settings), [settings]);
  const schema = useMemo(() => settingsSchemaFor(Object.keys(settings.workers)), [settings]);
  const [values, setValues] = useState<FormValues>(() => toValues(settings));
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  // A save moves the version on: the form starts again from the new version's values.
  const [shownVersion, setShownVersion] = useState(version);
  if (shownVersion !== version) {
    setShownVersion(version);
    setValues(toValues(settings));
    setReason("");
    setServerIssues({});
  }

  const draft = useMemo(() => toDocument(settings, values), [settings, values]);
  const parsed = useMemo(() => schema.safeParse(draft), [schema, draft]);
  const issues = parsed.success ? serverIssues : { ...settingsIssues(parsed.error), ...serverIssues };
  const diff = useMemo(() => (parsed.success ? diffSettings(settings, parsed.data) : []), [parsed, settings]);
  const errorCount = Object.keys(issues).length;

  const set = (path: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [path]: value }));
    setServerIssues((s) => {
      if (!(path in s)) return s;
      const next = { ...s };
      delete next[path];
      return next;
    });
    setNotice(null);
  };

  const save = () => {
    if (reason.trim().length < 5) {
      setReasonError("Say why you are making this change (at least 5 characters): it goes on the audit trail");
      return;
    }
    setReasonError(null);
    startTransition(async () => {
      const result = await saveSettingsAction({ basedOn: version, settings: parsed.success ? parsed.data : draft, reason });
      if (result.ok) {
        setNotice({ tone: "ok", text: `Saved as version ${result.version}. New runs use it now; runs under way finish under version ${version}.` });
        router.refresh();
      } else if (result.error === "invalid_input") {
        const { reason: r, ...rest } = result.issues;
        setReasonError(r ?? null);
        setServerIssues(rest);
      } else if (result.error === "stale") {
        setNotice({ tone: "error", text: `Someone saved version ${result.current} while you were editing version ${version}. Nothing was saved: reload to start from version ${result.current}.` });
      } else {
        setNotice({ tone: "error", text: REFUSALS[result.error] ?? "Could not save." });
      }
    });
  };

  const discard = () => {
    setValues(toValues(settings));
    setServerIssues({});
    setReason("");
    setReasonError(null);
    setNotice(null);
  };

  const field = (spec: FieldSpec) => <Field key={spec.path} spec={spec} value={values[spec.path]} error={issues[spec.path]} onChange={(v) => set(spec.path, v)} />;
  const formIssues = Object.entries(issues).filter(([path]) => !fields.some((f) => f.path === path));

  return (
    <div data-color-scheme="auto" className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]" data-testid="settings-editor">
      <div className="space-y-6">
        {formIssues.length ? (
          <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" data-testid="settings-form-errors">
            {formIssues.map(([path, message]) => (
              <p key={path}>{message}</p>
            ))}
          </div>
        ) : null}

        <Section title="Policy" description="The numbers the tools enforce. A credit or plan change over these waits for a reviewer.">
          <div className="grid gap-4 sm:grid-cols-2">{POLICY_FIELDS.map(field)}</div>
        </Section>

        <Section title="Review kinds" description="Which escalations exist and how soon a person should answer. Credits over the limit, downgrades with a fee and failed workers cannot be turned off.">
          <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {reviewKindFields().map(([enabled, sla]) => (
              <div key={enabled.path} className="grid items-start gap-3 py-3 first:pt-0 last:pb-0 sm:grid-cols-2">
                {field(enabled)}
                {field(sla)}
              </div>
            ))}
          </div>
        </Section>

        <Section title="Workers" description="Each specialist's model, confidence threshold, timeout, tool-step bound and retries. A disabled worker is not offered to the supervisor.">
          <div className="space-y-5">
            {Object.keys(settings.workers).map((name) => {
              const [enabled, ...rest] = workerFields(name);
              return (
                <fieldset key={name} className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" data-testid={`worker-settings-${name}`}>
                  <legend className="px-1 text-sm font-semibold text-zinc-900 dark:text-zinc-100">{workerLabel(name)}</legend>
                  {field(enabled)}
                  <div className="mt-4 grid gap-4 sm:grid-cols-2 xl:grid-cols-3">{rest.map(field)}</div>
                </fieldset>
              );
            })}
          </div>
        </Section>

        <Section title="Alerts" description="When token use or a worker's behaviour counts as an anomaly on the usage dashboard.">
          <div className="grid gap-4 sm:grid-cols-2">{ALERT_FIELDS.map(field)}</div>
        </Section>
      </div>

      {diff.length > 0 || errorCount > 0 ? (
        // On a phone the review panel sits below the long form: this bar says what is pending and leads there.
        <div className="fixed inset-x-0 bottom-0 z-10 border-t border-zinc-200 bg-white/95 px-4 py-2.5 backdrop-blur lg:hidden dark:border-zinc-800 dark:bg-zinc-900/95" data-testid="settings-mobile-bar">
          <div className="mx-auto flex max-w-6xl items-center gap-3">
            <p className={`text-sm ${errorCount ? "text-red-700 dark:text-red-300" : "text-zinc-700 dark:text-zinc-300"}`}>
              {errorCount ? (errorCount === 1 ? "1 field needs fixing" : `${errorCount} fields need fixing`) : diff.length === 1 ? "1 unsaved change" : `${diff.length} unsaved changes`}
            </p>
            <a href="#settings-review" className={`${buttonStyles.primary} ml-auto`}>
              Review
            </a>
          </div>
        </div>
      ) : null}

      <aside className="scroll-mt-20 pb-16 lg:sticky lg:top-20 lg:self-start lg:pb-0" aria-labelledby="review-changes-title" id="settings-review">
        <div className={`${cardStyles} p-5`} data-testid="settings-review">
          <h2 id="review-changes-title" className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            Review changes
          </h2>
          {errorCount > 0 ? (
            <p className="mt-2 text-sm text-red-700 dark:text-red-300" data-testid="settings-error-count">
              {errorCount === 1 ? "1 field needs" : `${errorCount} fields need`} fixing before this can be saved.
            </p>
          ) : diff.length === 0 ? (
            <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400" data-testid="settings-no-changes">
              No changes yet. Edit a field to see what would change.
            </p>
          ) : (
            <div className="mt-3">
              <p className="text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
                {diff.length === 1 ? "1 change" : `${diff.length} changes`} from version {version}
              </p>
              <ChangeList changes={diff} fields={fields} testId="settings-diff" />
            </div>
          )}

          {diff.length > 0 && errorCount === 0 ? (
            <>
              <TrialPanel version={version} draft={parsed.success ? parsed.data : null} evalFiles={evalFiles} defaultFiles={defaultFiles} />
              <div className="mt-5 border-t border-zinc-100 pt-4 dark:border-zinc-800">
                <label htmlFor="settings-reason" className={labelStyles}>
                  Reason <span className="font-normal text-zinc-500 dark:text-zinc-400">(required, on the audit trail)</span>
                </label>
                <textarea
                  id="settings-reason"
                  data-testid="settings-reason"
                  rows={3}
                  value={reason}
                  onChange={(e) => {
                    setReason(e.target.value);
                    if (reasonError) setReasonError(null);
                  }}
                  aria-invalid={reasonError ? true : undefined}
                  aria-describedby={reasonError ? "settings-reason-error" : undefined}
                  className={`${inputStyles} mt-1.5 resize-y`}
                  placeholder="e.g. Fewer automatic credits while we audit the late-fee rule"
                  maxLength={500}
                />
                {reasonError ? (
                  <p id="settings-reason-error" className="mt-1.5 text-xs text-red-700 dark:text-red-300" data-testid="settings-reason-error">
                    {reasonError}
                  </p>
                ) : null}
              </div>
            </>
          ) : null}

          {notice ? (
            <p
              role={notice.tone === "error" ? "alert" : "status"}
              className={`mt-4 rounded-md px-3 py-2 text-sm ${notice.tone === "ok" ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200"}`}
              data-testid="settings-notice"
            >
              {notice.text}
            </p>
          ) : null}

          <div className="mt-4 flex flex-wrap items-center gap-2">
            <button type="button" className={buttonStyles.primary} onClick={save} disabled={pending || diff.length === 0 || errorCount > 0} data-testid="settings-save">
              {pending ? "Saving…" : `Save as version ${version + 1}`}
            </button>
            <button type="button" className={buttonStyles.ghost} onClick={discard} disabled={pending || (diff.length === 0 && errorCount === 0)} data-testid="settings-discard">
              Discard
            </button>
          </div>
        </div>
      </aside>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  const id = `settings-section-${title.toLowerCase().replace(/\s+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`${cardStyles} p-5`}>
      <h2 id={id} className="text-base font-semibold text-zinc-900 dark:text-zinc-100">
        {title}
      </h2>
      <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
      {children}
    </section>
  );
}

function Field({ spec, value, error, onChange }: { spec: FieldSpec; value: string | boolean | undefined; error?: string; onChange(v: string | boolean): void }) {
  const id = `field-${spec.path.replace(/\./g, "-")}`;
  const testId = `setting-${spec.path.replace(/\./g, "-")}`;
  const describedBy = error ? `${id}-error` : spec.help && spec.kind !== "bool" ? `${id}-help` : undefined;
  if (spec.kind === "bool") {
    return (
      <div>
        <label className="flex items-center gap-2.5 text-sm font-medium text-zinc-800 dark:text-zinc-200">
          <input
            id={id}
            type="checkbox"
            checked={Boolean(value)}
            disabled={spec.locked}
            onChange={(e) => onChange(e.target.checked)}
            className="size-4 rounded border-zinc-300 text-indigo-600 focus:ring-indigo-500 disabled:opacity-60 dark:border-zinc-600"
            data-testid={testId}
            aria-describedby={describedBy}
          />
          {spec.short ?? spec.label}
          {spec.locked ? <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">always on</span> : null}
        </label>
        {error ? <FieldError id={`${id}-error`} message={error} /> : null}
      </div>
    );
  }
  const prefix = spec.kind === "money" ? "$" : null;
  return (
    <div>
      <label htmlFor={id} className={labelStyles}>
        {spec.short ?? spec.label}
      </label>
      <div className="relative mt-1.5">
        {prefix ? <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm text-zinc-500">{prefix}</span> : null}
        <input
          id={id}
          type="text"
          inputMode={spec.kind === "model" ? "text" : spec.kind === "int" ? "numeric" : "decimal"}
          autoComplete="off"
          spellCheck={false}
          value={String(value ?? "")}
          onChange={(e) => onChange(e.target.value)}
          placeholder={spec.kind === "model" ? "default" : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          className={`${inputStyles} tabular-nums ${prefix ? "pl-7" : ""} ${spec.unit ? "pr-14" : ""} ${error ? "border-red-400 focus:border-red-500 focus:ring-red-500/20 dark:border-red-700" : ""}`}
        />
        {spec.unit ? <span className="pointer-events-none absolute inset-y-0 right-3 flex items-center text-xs text-zinc-500 dark:text-zinc-400">{spec.unit}</span> : null}
      </div>
      {error ? <FieldError id={`${id}-error`} message={fieldMessage(spec, error)} /> : spec.help ? <p id={`${id}-help`} className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400">{spec.help}</p> : null}
    </div>
  );
}

function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} className="mt-1.5 text-xs text-red-700 dark:text-red-300" data-testid="field-error">
      {message}
    </p>
  );
}
