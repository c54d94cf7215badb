import { policySettingsSchema, type PolicyNumbers, type SettingsChange } from "../contracts";
import type { Db, Tx } from "./client";

// Named queries over settings_versions: immutable rows, the highest version in force.
// Validation is the caller's (lib/contracts/settings.ts); these only store and read.

export interface SettingsVersionRow {
  version: number;
  settings: unknown;
  diff: SettingsChange[];
  reason: string;
  createdById: string | null;
  createdByName: string;
  restoredVersion: number | null;
  createdAt: Date;
}

const asRow = (r: {
  version: number; settings: unknown; diff: unknown; reason: string; createdById: string | null; createdByName: string; restoredVersion: number | null; createdAt: Date;
}): SettingsVersionRow => ({ ...r, diff: (r.diff ?? []) as SettingsChange[] });

/** The number of the version in force, or null before the first one exists (one indexed read). */
export async function currentSettingsVersionNumber(db: Db | Tx): Promise<number | null> {
  const row = await db.settingsVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
  return row?.version ?? null;
}

export async function findSettingsVersion(db: Db | Tx, version: number): Promise<SettingsVersionRow | null> {
  const row = await db.settingsVersion.findUnique({ where: { version } });
  return row ? asRow(row) : null;
}

/** Newest first. */
export async function listSettingsVersions(db: Db | Tx, opts: { limit?: number } = {}): Promise<SettingsVersionRow[]> {
  const rows = await db.settingsVersion.findMany({ orderBy: { version: "desc" }, take: opts.limit ?? 50 });
  return rows.map(asRow);
}

/** Stores version 1 from the defaults when no version exists yet (several processes may race: one wins). */
export async function ensureFirstSettingsVersion(db: Db | Tx, settings: unknown): Promise<void> {
  await db.$executeRaw`
    INSERT INTO settings_versions (version, settings, diff, reason, "createdById", "createdByName")
    VALUES (1, ${JSON.stringify(settings)}::jsonb, '[]'::jsonb, 'First version, from the environment and the world''s policy', NULL, 'System')
    ON CONFLICT (version) DO NOTHING`;
}

export class StaleSettingsError extends Error {
  constructor(readonly basedOn: number, readonly current: number | null) {
    super(`settings changed since version ${basedOn} (now ${current ?? "none"})`);
  }
}

/**
 * Inserts version `basedOn + 1`. Optimistic concurrency: throws StaleSettingsError when
 * `basedOn` is not the version in force; of two inserts racing from the same version
 * the primary key lets one commit and the other fails with P2002 (the caller maps it).
 */
export async function insertSettingsVersion(
  tx: Tx,
  input: { basedOn: number; settings: unknown; diff: SettingsChange[]; reason: string; createdById: string; createdByName: string; restoredVersion?: number },
): Promise<SettingsVersionRow> {
  const current = await currentSettingsVersionNumber(tx);
  if (current !== input.basedOn) throw new StaleSettingsError(input.basedOn, current);
  const row = await tx.settingsVersion.create({
    data: {
      version: input.basedOn + 1,
      settings: input.settings as object,
      diff: input.diff as unknown as object,
      reason: input.reason,
      createdById: input.createdById,
      createdByName: input.createdByName,
      restoredVersion: input.restoredVersion ?? null,
    },
  });
  return asRow(row);
}

/**
 * The policy numbers in force, from what a caller read in a query of its own:
 * the latest version's `policy` (or undefined), and the world's policy row.
 */
export function policyFrom(storedPolicy: unknown, worldRow: PolicyNumbers | null): PolicyNumbers {
  const stored = policySettingsSchema.safeParse(storedPolicy);
  if (stored.success) return stored.data;
  if (!worldRow) throw new Error("policy_settings has no default row: seed the world");
  return worldRow;
}
