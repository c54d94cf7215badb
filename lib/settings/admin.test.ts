import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { listSettingsVersions } from "../db/settings-versions";
import { settingsSourceFor } from "../orchestrator/settings";
import { rollbackSettings, saveSettings } from "./admin";

const db = useTestDb();
const source = settingsSourceFor(db);
const alex = { id: "admin-1", name: "Alex Admin", email: "admin@switchboard.local" };

const settingsAuditCount = async () =>
  Number((await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM audit_log WHERE kind LIKE 'settings_%'`)[0].n);

async function draft(edit: (s: Awaited<ReturnType<typeof source.current>>["settings"]) => void) {
  const { settings } = await source.current();
  const copy = structuredClone(settings);
  edit(copy);
  return copy;
}

describe("changing settings", () => {
  beforeEach(() => resetTestWorld(db));

  it("saves an edit as the next version with who, why and the diff", async () => {
    const settings = await draft((s) => (s.policy.autoCreditLimitCents = 2_000));
    const result = await saveSettings(db, source, alex, { basedOn: 1, settings, reason: "Tighten credits during the audit" });
    expect(result).toEqual({ ok: true, version: 2, diff: [{ path: "policy.autoCreditLimitCents", before: 5_000, after: 2_000 }] });
    const [latest] = await listSettingsVersions(db);
    expect(latest).toMatchObject({ version: 2, reason: "Tighten credits during the audit", createdByName: "Alex Admin", createdById: "admin-1" });
    expect((await source.current()).settings.policy.autoCreditLimitCents).toBe(2_000);
    // On the audit trail, written in the same transaction.
    const [entry] = await db.$queryRaw<Array<{ kind: string; actor: string; subject: string; payload: { by: string; reason: string; diff: unknown[] } }>>`
      SELECT kind, actor, subject, payload FROM audit_log WHERE kind LIKE 'settings_%' ORDER BY id DESC LIMIT 1`;
    expect(entry).toMatchObject({ kind: "settings_changed", actor: "admin@switchboard.local", subject: "settings:v2", payload: { by: "Alex Admin", reason: "Tighten credits during the audit" } });
    expect(entry.payload.diff).toHaveLength(1);
  });

  it("refuses bad input with a message per field and saves nothing", async () => {
    const auditBefore = await settingsAuditCount();
    const bad = await draft((s) => {
      s.policy.autoCreditLimitCents = -1;
      s.workers.billing.confidenceThreshold = 1.5;
      s.workers.account.timeoutMs = 0;
    });
    expect(await saveSettings(db, source, alex, { basedOn: 1, settings: bad, reason: "Testing the limits" })).toEqual({
      ok: false,
      error: "invalid_input",
      issues: {
        "policy.autoCreditLimitCents": "Auto-credit limit must be at least 0 cents",
        "workers.billing.confidenceThreshold": "Confidence threshold must be between 0 and 1",
        "workers.account.timeoutMs": "Timeout must be at least 1000 ms",
      },
    });
    const unknown = { ...(await draft(() => {})), featureFlags: { beta: true } };
    expect(await saveSettings(db, source, alex, { basedOn: 1, settings: unknown, reason: "Testing the limits" })).toMatchObject({ error: "invalid_input", issues: { "": "Unknown setting: featureFlags" } });
    const good = await draft((s) => (s.policy.autoCreditLimitCents = 2_000));
    expect(await saveSettings(db, source, alex, { basedOn: 1, settings: good, reason: " " })).toMatchObject({ error: "invalid_input", issues: { reason: expect.stringMatching(/Say why/) } });
    expect(await saveSettings(db, source, alex, { basedOn: 1, settings: await draft(() => {}), reason: "Nothing really" })).toEqual({ ok: false, error: "no_changes" });
    expect((await listSettingsVersions(db)).map((v) => v.version)).toEqual([1]);
    expect(await settingsAuditCount()).toBe(auditBefore);
  });

  it("refuses a form edited from an older version (optimistic concurrency), even when two saves race", async () => {
    const a = await draft((s) => (s.policy.autoCreditLimitCents = 2_000));
    const b = await draft((s) => (s.policy.autoCreditWindowDays = 14));
    const [ra, rb] = await Promise.all([
      saveSettings(db, source, alex, { basedOn: 1, settings: a, reason: "First admin's change" }),
      saveSettings(db, source, { id: "admin-2", name: "Sam Admin", email: "sam@switchboard.local" }, { basedOn: 1, settings: b, reason: "Second admin's change" }),
    ]);
    expect([ra, rb].filter((r) => r.ok)).toHaveLength(1);
    expect([ra, rb].find((r) => !r.ok)).toEqual({ ok: false, error: "stale", current: 2 });
    // The loser's form is still based on version 1: saving it again is still stale.
    expect(await saveSettings(db, source, alex, { basedOn: 1, settings: b, reason: "Second admin's change" })).toEqual({ ok: false, error: "stale", current: 2 });
    expect((await listSettingsVersions(db)).map((v) => v.version)).toEqual([2, 1]);
  });

  it("rolls back to an earlier version as a new version", async () => {
    await saveSettings(db, source, alex, { basedOn: 1, settings: await draft((s) => (s.policy.autoCreditLimitCents = 2_000)), reason: "Tighten credits" });
    const result = await rollbackSettings(db, source, alex, { basedOn: 2, toVersion: 1, reason: "Back to the usual limit" });
    expect(result).toEqual({ ok: true, version: 3, diff: [{ path: "policy.autoCreditLimitCents", before: 2_000, after: 5_000 }] });
    const [v3] = await listSettingsVersions(db);
    expect(v3).toMatchObject({ version: 3, restoredVersion: 1, reason: "Back to the usual limit" });
    expect((await source.current()).settings).toEqual((await source.version(1)).settings);
    const [entry] = await db.$queryRaw<Array<{ kind: string; subject: string }>>`SELECT kind, subject FROM audit_log WHERE kind LIKE 'settings_%' ORDER BY id DESC LIMIT 1`;
    expect(entry).toEqual({ kind: "settings_rolled_back", subject: "settings:v3" });
    expect(await rollbackSettings(db, source, alex, { basedOn: 3, toVersion: 9, reason: "No such version" })).toEqual({ ok: false, error: "not_found" });
  });
});
