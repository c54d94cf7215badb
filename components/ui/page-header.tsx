import type { ReactNode } from "react";

/** The title block at the top of every page. */
export function PageHeader({ title, description, children }: { title: string; description?: ReactNode; children?: ReactNode }) {
  return (
    <header className="mb-8 flex flex-wrap items-end justify-between gap-4 border-b border-zinc-200 pb-6 dark:border-zinc-800">
      <div className="max-w-3xl">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
        {description ? <p className="mt-2 text-sm leading-6 text-zinc-600 dark:text-zinc-400">{description}</p> : null}
      </div>
      {children}
    </header>
  );
}
