"use client";

import { useActionState } from "react";
import { selectCustomerAction } from "@/app/(chat)/chat/actions";
import type { ChatCustomer } from "@/lib/db/queries/customers";
import { cardStyles } from "@/components/ui/styles";

/** The seeded customers; picking one starts a chat session as that customer. */
export function CustomerPicker({ customers, currentId }: { customers: ChatCustomer[]; currentId: string | null }) {
  const [state, action, pending] = useActionState(selectCustomerAction, null);
  return (
    <section aria-labelledby="customers-heading" className={`${cardStyles} overflow-hidden`}>
      <h2 id="customers-heading" className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold text-zinc-900 dark:border-zinc-800 dark:text-zinc-100">
        Demo customers
      </h2>
      <form action={action}>
        <ul className="max-h-52 divide-y divide-zinc-100 overflow-y-auto lg:max-h-[32rem] dark:divide-zinc-800" data-testid="customer-list">
          {customers.map((c) => {
            const selected = c.id === currentId;
            return (
              <li key={c.id}>
                <button
                  type="submit"
                  name="customerId"
                  value={c.id}
                  disabled={pending}
                  aria-pressed={selected}
                  data-testid="customer-option"
                  data-customer-id={c.id}
                  className={`flex w-full items-center justify-between gap-3 px-4 py-2.5 text-left transition-colors disabled:cursor-wait ${
                    selected ? "bg-indigo-50 dark:bg-indigo-950/60" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/60"
                  }`}
                >
                  <span>
                    <span className="block text-sm font-medium text-zinc-900 dark:text-zinc-100">{c.name}</span>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                      {c.id} · {c.planName}
                    </span>
                  </span>
                  {c.status !== "active" ? (
                    <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium capitalize text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">{c.status}</span>
                  ) : null}
                </button>
              </li>
            );
          })}
        </ul>
      </form>
      {state && !state.ok ? (
        <p role="alert" className="border-t border-zinc-200 px-4 py-3 text-sm text-red-700 dark:border-zinc-800 dark:text-red-400" data-testid="customer-pick-error">
          {state.error === "not_found" ? "That customer no longer exists. Reload the page." : "That is not a valid customer."}
        </p>
      ) : null}
    </section>
  );
}
