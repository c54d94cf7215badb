import { cardStyles } from "@/components/ui/styles";

/** /chat outside demo mode without a customer session: who has to provide one. */
export function HostSessionNotice() {
  return (
    <section aria-labelledby="host-session-heading" className={`${cardStyles} max-w-2xl p-6`} data-testid="host-session-required">
      <h2 id="host-session-heading" className="text-base font-semibold text-zinc-900">
        A host site provides the customer session
      </h2>
      <p className="mt-2 text-sm text-zinc-600">
        This Switchboard is not in demo mode, so it does not let visitors choose a customer. A company&apos;s own site signs its customer in and
        vouches for them with a signed customer token: through the chat widget (<code className="font-mono text-xs">widget.js</code>) or the run
        API with <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
      </p>
      <p className="mt-2 text-sm text-zinc-600">
        To try the demo customers, start Switchboard with <code className="font-mono text-xs">SWITCHBOARD_DEMO=1</code>.
      </p>
    </section>
  );
}
