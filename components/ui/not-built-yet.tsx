import { cardStyles } from "./styles";

/** An honest placeholder for a staff area whose feature lands in a later issue. */
export function NotBuiltYet({ feature, willShow }: { feature: string; willShow: string[] }) {
  return (
    <section data-testid="not-built-yet" className={`${cardStyles} p-6`}>
      <span className="inline-flex items-center rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200 ring-inset">
        Not built yet
      </span>
      <h2 className="mt-3 text-base font-semibold text-zinc-900">The {feature} is not built yet.</h2>
      <p className="mt-1 text-sm text-zinc-600">Your access to this page is set up. When the {feature} lands, it will show:</p>
      <ul className="mt-4 list-disc space-y-1.5 pl-5 text-sm text-zinc-700">
        {willShow.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  );
}
