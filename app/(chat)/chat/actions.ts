"use server";

import { cookies, headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CUSTOMER_COOKIE } from "@/lib/auth/customer-session";
import { isDemoMode } from "@/lib/auth/demo-mode";
import { issueCustomerToken } from "@/lib/tokens/customer-token";
import { getChatCustomer } from "@/lib/db/queries/customers";

// In a real deployment the host site's backend issues the customer token for its own
// signed-in customer. In demo mode (SWITCHBOARD_DEMO=1) this page has no host site, so
// this action plays that part: the token is created on the server and lives only in an
// httpOnly cookie. Outside demo mode the action refuses, whatever the page shows: an
// action is a public endpoint, so hiding the picker alone would not be enough.

/** How long a demo chat session lasts. */
const SESSION_SECONDS = 2 * 60 * 60;

export type SelectCustomerResult = { ok: true } | { ok: false; error: "demo_off" | "invalid_input" | "not_found" };

const selectSchema = z.object({ customerId: z.string().regex(/^C-\d{4,}$/) });

/** Starts a demo chat session as the chosen seeded customer. */
export async function selectCustomerAction(_prev: SelectCustomerResult | null, formData: FormData): Promise<SelectCustomerResult> {
  if (!isDemoMode()) return { ok: false, error: "demo_off" };
  const parsed = selectSchema.safeParse({ customerId: formData.get("customerId") });
  if (!parsed.success) return { ok: false, error: "invalid_input" };
  const customer = await getChatCustomer({ id: parsed.data.customerId });
  if (!customer) return { ok: false, error: "not_found" };
  const token = await issueCustomerToken(customer.id, { ttlSeconds: SESSION_SECONDS });
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(CUSTOMER_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_SECONDS });
  revalidatePath("/chat");
  return { ok: true };
}

/** Ends the demo chat session. */
export async function leaveChatAction(): Promise<void> {
  (await cookies()).delete(CUSTOMER_COOKIE);
  revalidatePath("/chat");
}
