import type { ReactNode } from "react";
import { cardStyles } from "./styles";

/** A titled card: the building block of the audit run page and the usage dashboard. */
export function Section({ title, children, testId, aside }: { title: string; children: ReactNode; testId?: string; aside?: ReactNode }) {
  return (
    <section className={`${cardStyles} min-w-0 p-4 sm:p-5`} data-testid={testId}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
