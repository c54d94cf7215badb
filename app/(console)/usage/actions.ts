"use server";

import { revalidatePath } from "next/cache";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleForAction } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { acknowledgeAlert, alertIdSchema } from "@/lib/usage/alerts";

export type AcknowledgeState = { ok: null } | { ok: true } | { ok: false; error: "invalid_input" | "unauthorized" | "forbidden" | "not_found" | "already_acknowledged"; message: string };

const MESSAGES = {
  invalid_input: "That is not an alert.",
  unauthorized: "Sign in again.",
  forbidden: "Only admins may acknowledge alerts.",
  not_found: "This alert no longer exists.",
  already_acknowledged: "Someone acknowledged it already.",
} as const;

/** Acknowledges one usage alert (admins), once, on the audit log. */
export async function acknowledgeAlertAction(_prev: AcknowledgeState, form: FormData): Promise<AcknowledgeState> {
  const access = await requireRoleForAction(AREA_ROLES.usage);
  if (!access.ok) return { ok: false, error: access.error, message: MESSAGES[access.error] };
  const id = alertIdSchema.safeParse(form.get("alertId"));
  if (!id.success) return { ok: false, error: "invalid_input", message: MESSAGES.invalid_input };
  const result = await acknowledgeAlert({ db: getDb(), alertId: id.data, staffEmail: access.staff.email });
  revalidatePath("/usage");
  return result.ok ? { ok: true } : { ok: false, error: result.error, message: MESSAGES[result.error] };
}
