import { z } from "zod";
import { diffSettings, settingsIssues, settingsSchemaFor, type Settings, type SettingsChange } from "../contracts";
import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";
import { findSettingsVersion, insertSettingsVersion, StaleSettingsError } from "../db/settings-versions";
import { readStoredSettings, type SettingsSource } from "../orchestrator/settings";
import { workers as registry } from "../workers/registry";

// What an admin may do to settings: save an edit, or roll back to an earlier version.
// Both create a new immutable version, based on the version the admin was looking at
// (optimistic concurrency), with a required reason, in one transaction.

const reasonSchema = z
  .string({ error: "Say why you are making this change" })
  .trim()
  .min(5, "Say why you are making this change (at least 5 characters): it goes on the audit trail")
  .max(500, "Keep the reason under 500 characters");

const saveInputSchema = z.strictObject({
  basedOn: z.number().int().min(1),
  settings: z.unknown(),
  reason: reasonSchema,
});

const rollbackInputSchema = z.strictObject({
  basedOn: z.number().int().min(1),
  toVersion: z.number().int().min(1),
  reason: reasonSchema,
});

export type SettingsChangeResult =
  | { ok: true; version: number; diff: SettingsChange[] }
  | { ok: false; error: "invalid_input"; issues: Record<string, string> }
  | { ok: false; error: "stale"; current: number }
  | { ok: false; error: "no_changes" }
  | { ok: false; error: "not_found" };

export interface Editor {
  id: string;
  name: string;
  email: string;
}

/** The schema for today's registry of workers. */
export const settingsSchema = () => settingsSchemaFor(Object.keys(registry));

const inputIssues = (error: z.ZodError) => settingsIssues(error);

/** Saves an admin's edit of version `basedOn` as the next version. */
export async function saveSettings(db: Db, source: SettingsSource, editor: Editor, input: unknown): Promise<SettingsChangeResult> {
  const parsed = saveInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid_input", issues: inputIssues(parsed.error) };
  const doc = settingsSchema().safeParse(parsed.data.settings);
  if (!doc.success) return { ok: false, error: "invalid_input", issues: settingsIssues(doc.error) };
  return commit(db, source, editor, { basedOn: parsed.data.basedOn, reason: parsed.data.reason, settings: doc.data as Settings });
}

/** Makes an earlier version's content the next version (history is never rewritten). */
export async function rollbackSettings(db: Db, source: SettingsSource, editor: Editor, input: unknown): Promise<SettingsChangeResult> {
  const parsed = rollbackInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid_input", issues: inputIssues(parsed.error) };
  const target = await findSettingsVersion(db, parsed.data.toVersion);
  if (!target) return { ok: false, error: "not_found" };
  const current = await source.current();
  const settings = readStoredSettings(target.settings, current.settings);
  return commit(db, source, editor, { basedOn: parsed.data.basedOn, reason: parsed.data.reason, settings, restoredVersion: target.version });
}

async function commit(
  db: Db,
  source: SettingsSource,
  editor: Editor,
  change: { basedOn: number; reason: string; settings: Settings; restoredVersion?: number },
): Promise<SettingsChangeResult> {
  const current = await source.current();
  if (current.version !== change.basedOn) return { ok: false, error: "stale", current: current.version };
  const diff = diffSettings(current.settings, change.settings);
  if (diff.length === 0) return { ok: false, error: "no_changes" };
  try {
    const row = await db.$transaction(async (tx) => {
      // The version (who, when, why, what) and its audit entry commit or roll back as one.
      const row = await insertSettingsVersion(tx, { ...change, diff, createdById: editor.id, createdByName: editor.name });
      await appendAudit(tx, {
        kind: change.restoredVersion ? "settings_rolled_back" : "settings_changed",
        actor: editor.email,
        subject: `settings:v${row.version}`,
        payload: { version: row.version, basedOn: change.basedOn, restoredVersion: change.restoredVersion ?? null, by: editor.name, reason: change.reason, diff },
      });
      return row;
    });
    return { ok: true, version: row.version, diff };
  } catch (err) {
    if (err instanceof StaleSettingsError) return { ok: false, error: "stale", current: err.current ?? 0 };
    // Two saves of the same version at once: the primary key let the other one in.
    if ((err as { code?: string }).code === "P2002") return { ok: false, error: "stale", current: (await source.current()).version };
    throw err;
  }
}
