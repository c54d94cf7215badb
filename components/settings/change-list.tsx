import type { SettingsChange } from "@/lib/contracts";
import { formatValue, specFor, type FieldSpec } from "./fields";

/** A settings diff as a person reads it: the field's name, the old value struck through, the new one. */
export function ChangeList({ changes, fields, testId }: { changes: SettingsChange[]; fields: FieldSpec[]; testId?: string }) {
  return (
    <ul className="mt-2 space-y-1.5 text-sm" data-testid={testId}>
      {changes.map((c) => {
        const spec = specFor(fields, c.path);
        return (
          <li key={c.path} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5" data-testid="settings-change" data-path={c.path}>
            <span className="text-zinc-700 dark:text-zinc-300">{spec?.label ?? c.path}</span>
            <span className="ml-auto flex items-baseline gap-1.5 tabular-nums">
              <del className="text-zinc-500 dark:text-zinc-400" aria-label={`was ${formatValue(spec, c.before)}`}>
                {formatValue(spec, c.before)}
              </del>
              <span aria-hidden className="text-zinc-400">
                →
              </span>
              <ins className="font-medium text-zinc-900 no-underline dark:text-zinc-100" aria-label={`now ${formatValue(spec, c.after)}`}>
                {formatValue(spec, c.after)}
              </ins>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
