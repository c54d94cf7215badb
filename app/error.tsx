"use client";

import { buttonStyles } from "@/components/ui/styles";

// Shown when a page fails on the server. Next.js replaces the message with a digest in
// production, so nothing internal (SQL, stack traces) reaches the browser; the digest
// lets an operator find the full error in the server log.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <section role="alert" className="mx-auto max-w-md py-16 text-center" data-testid="error-page">
        <h1 className="text-xl font-semibold tracking-tight">Something went wrong</h1>
        <p className="mt-2 text-sm text-zinc-600">The page could not be loaded. Try again; if it keeps failing, tell your operator.</p>
        {error.digest ? <p className="mt-2 font-mono text-xs text-zinc-500">Reference: {error.digest}</p> : null}
        <button type="button" onClick={reset} className={`${buttonStyles.secondary} mt-6`}>
          Try again
        </button>
      </section>
    </main>
  );
}
