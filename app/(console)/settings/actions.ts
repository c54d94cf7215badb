"use server";

import { revalidatePath } from "next/cache";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRoleFromDatabase } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getSettingsSource } from "@/lib/server/app-process";
import { rollbackSettings, saveSettings, type SettingsChangeResult } from "@/lib/settings/admin";
import { getTrial, startTrial, type TrialView } from "@/lib/settings/trial";

// Every action checks the role itself, read from the database (a page's check does not
// cover the actions defined next to it, and a demoted admin must lose access at once).

type Refused = { ok: false; error: "unauthorized" | "forbidden" };

async function admin() {
  const access = await requireRoleFromDatabase(AREA_ROLES.settings);
  if (!access.ok) return { refused: { ok: false, error: access.error } as Refused };
  return { staff: access.staff };
}

/** Saves the admin's edit as the next version (reason required, based on the version they saw). */
export async function saveSettingsAction(input: unknown): Promise<SettingsChangeResult | Refused> {
  const a = await admin();
  if ("refused" in a) return a.refused!;
  const result = await saveSettings(getDb(), getSettingsSource(), a.staff, input);
  if (result.ok) revalidatePath("/settings");
  return result;
}

/** Makes an earlier version's content the next version. */
export async function rollbackSettingsAction(input: unknown): Promise<SettingsChangeResult | Refused> {
  const a = await admin();
  if ("refused" in a) return a.refused!;
  const result = await rollbackSettings(getDb(), getSettingsSource(), a.staff, input);
  if (result.ok) revalidatePath("/settings");
  return result;
}

export type StartTrialActionResult =
  | { ok: true; trialId: string }
  | { ok: false; error: "invalid_input"; issues: Record<string, string> }
  | { ok: false; error: "stale"; current: number }
  | { ok: false; error: "busy"; trialId: string }
  | Refused;

/** Starts "test this change" as a background job (any app process's runner runs it) and returns its id at once. */
export async function startTrialAction(input: unknown): Promise<StartTrialActionResult> {
  const a = await admin();
  if ("refused" in a) return a.refused!;
  return startTrial(getDb(), getSettingsSource(), a.staff, input);
}

/** A trial's progress and, once done, its metrics (the page polls this). */
export async function trialStatusAction(trialId: unknown): Promise<{ ok: true; trial: TrialView } | { ok: false; error: "not_found" } | Refused> {
  const a = await admin();
  if ("refused" in a) return a.refused!;
  const trial = typeof trialId === "string" ? await getTrial(getDb(), trialId) : null;
  return trial ? { ok: true, trial } : { ok: false, error: "not_found" };
}
