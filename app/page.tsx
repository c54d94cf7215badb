import Link from "next/link";
import { SiteFrame } from "@/components/nav/site-frame";
import { cardStyles } from "@/components/ui/styles";

const STEPS = [
  { title: "Supervisor plans", text: "A supervisor agent reads the customer's message, splits it into sub-tasks and routes each one to the right specialist. It declines what is out of scope and never does a worker's job itself." },
  { title: "Workers run in parallel", text: "Billing, technical support and account workers each call their own tools over MCP (Model Context Protocol). Independent workers run at the same time, so a reply takes as long as the slowest one." },
  { title: "One reply", text: "The supervisor synthesizes the workers' results into a single answer and says honestly what could not be done." },
  { title: "Humans decide what is over policy", text: "Credits above the auto-credit limit, downgrades with a fee, low-confidence answers and failed workers wait in a review queue for a person." },
  { title: "Everything is on the record", text: "Each run keeps an audit trail: the input, the plan, every worker invocation and tool call, the reviews and the final reply." },
];

const DESTINATIONS = [
  { href: "/chat", title: "Customer chat", text: "Talk to the agents as one of the demo customers.", who: "Anyone", testId: "home-link-chat" },
  { href: "/reviews", title: "Review queue", text: "Approve or reject escalated actions, with a note.", who: "Reviewers and admins", testId: "home-link-reviews" },
  { href: "/audit", title: "Audit trail", text: "Follow any run through its full delegation chain.", who: "Auditors and admins", testId: "home-link-audit" },
  { href: "/usage", title: "Usage", text: "Token use, cost, latency and failure rates per worker.", who: "Admins", testId: "home-link-usage" },
  { href: "/sign-in", title: "Staff sign-in", text: "Reviewers, auditors and admins sign in here.", who: "Staff", testId: "home-link-sign-in" },
];

export default function HomePage() {
  return (
    <SiteFrame>
      <div className="space-y-14">
        <section className="max-w-3xl">
          <p className="text-sm font-medium text-indigo-600">Operator console for customer-service AI</p>
          <h1 className="mt-2 text-4xl font-semibold tracking-tight text-zinc-900">Switchboard</h1>
          <p className="mt-4 text-lg leading-8 text-zinc-600">
            Switchboard answers a telecom company&apos;s customers with a team of AI agents built on the supervisor-worker pattern, and keeps
            people in charge of every decision that is over policy.
          </p>
        </section>

        <section aria-labelledby="how-heading">
          <h2 id="how-heading" className="text-sm font-semibold uppercase tracking-wide text-zinc-500">
            How a message is handled
          </h2>
          <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
            {STEPS.map((s, i) => (
              <li key={s.title} className={`${cardStyles} p-4`}>
                <span className="text-xs font-semibold text-indigo-600">Step {i + 1}</span>
                <h3 className="mt-1 text-sm font-semibold text-zinc-900">{s.title}</h3>
                <p className="mt-2 text-sm leading-6 text-zinc-600">{s.text}</p>
              </li>
            ))}
          </ol>
        </section>

        <section aria-labelledby="go-heading">
          <h2 id="go-heading" className="text-sm font-semibold uppercase tracking-wide text-zinc-500">
            Go to
          </h2>
          <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {DESTINATIONS.map((d) => (
              <li key={d.href}>
                <Link href={d.href} data-testid={d.testId} className={`${cardStyles} group block h-full p-5 transition hover:border-zinc-300 hover:shadow-sm`}>
                  <h3 className="text-base font-semibold text-zinc-900 group-hover:text-indigo-700">{d.title} →</h3>
                  <p className="mt-1 text-sm text-zinc-600">{d.text}</p>
                  <p className="mt-3 text-xs font-medium text-zinc-500">{d.who}</p>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </SiteFrame>
  );
}
