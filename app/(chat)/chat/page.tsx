import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { ChatPanel } from "@/components/chat/chat-panel";
import { CustomerPicker } from "@/components/chat/customer-picker";
import { PageHeader } from "@/components/ui/page-header";
import { HostSessionNotice } from "@/components/widget/host-session-notice";
import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { isDemoMode } from "@/lib/auth/demo-mode";
import { loadChatHistory } from "@/lib/chat/history";
import { listChatCustomers } from "@/lib/db/queries/customers";
import { getEngine } from "@/lib/server/app-process";

export const metadata: Metadata = { title: "Customer chat" };

export default async function ChatPage() {
  const session = await readCustomerFromRequest({ headers: await headers(), cookies: await cookies() });
  const customers = await listChatCustomers();
  // A token for a customer that no longer exists (after a reset) counts as no session.
  const current = session.ok ? (customers.find((c) => c.id === session.customerId) ?? null) : null;
  const expired = !session.ok && session.error !== "missing";
  const demo = isDemoMode();
  // Outside demo mode nobody may pick a customer: a host site provides the session.
  if (!demo && !current) {
    return (
      <>
        <PageHeader title="Customer chat" description="Customers reach Switchboard through their company's own site." />
        <HostSessionNotice />
      </>
    );
  }
  // The customer's latest conversation, read here on the server: a reload, a second tab
  // or the next visit shows it at once, and a run still going is resumed from its cursor.
  const history = current ? await loadChatHistory(getEngine().db, { customerId: current.id }) : { conversationId: null, messages: [] };
  return (
    // This page follows the system's dark mode (app/globals.css).
    <div data-color-scheme="auto">
      <PageHeader
        title="Customer chat"
        description={
          <>
            Chat as one of the demo customers. On a real site, the company&apos;s own backend vouches for its signed-in customer with a signed
            token; here this page does that on the server when you pick a customer, and keeps the token in an httpOnly cookie. The agents
            only ever act for that customer.
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[17rem_minmax(0,1fr)] lg:items-start">
        {demo ? <CustomerPicker customers={customers} currentId={current?.id ?? null} /> : null}
        <ChatPanel customer={current} sessionExpired={expired} history={history} />
      </div>
    </div>
  );
}
