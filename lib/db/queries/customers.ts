import "server-only";
import { getDb } from "../client";

export type ChatCustomer = { id: string; name: string; planName: string; status: string };

/** The demo customers a visitor may chat as, in id order. */
export async function listChatCustomers(): Promise<ChatCustomer[]> {
  const rows = await getDb().customer.findMany({
    orderBy: { id: "asc" },
    select: { id: true, name: true, status: true, plan: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, planName: r.plan.name }));
}

/** One chat customer by id, or null. */
export async function getChatCustomer({ id }: { id: string }): Promise<ChatCustomer | null> {
  const r = await getDb().customer.findUnique({
    where: { id },
    select: { id: true, name: true, status: true, plan: { select: { name: true } } },
  });
  return r && { id: r.id, name: r.name, status: r.status, planName: r.plan.name };
}
