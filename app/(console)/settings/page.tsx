import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/forbidden";
import { SettingsEditor } from "@/components/settings/settings-editor";
import { SettingsHistory } from "@/components/settings/settings-history";
import { PageHeader } from "@/components/ui/page-header";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listSettingsVersions } from "@/lib/db/settings-versions";
import { getSettingsSource } from "@/lib/server/app-process";
import { DEFAULT_TRIAL_FILES, evalFiles } from "@/lib/settings/trial";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const access = await requireRole(AREA_ROLES.settings, "/settings");
  if (!access.ok) return <Forbidden staff={access.staff} area="settings" />;
  const current = await getSettingsSource().current();
  const history = await listSettingsVersions(getDb(), { limit: 50 });
  const files = evalFiles();
  return (
    <>
      <PageHeader
        title="Settings"
        description="Worker, policy and alert settings. Every save makes a new version with your name and reason, on the audit trail. Runs already under way finish under the version they started with; new runs use the new one at once, in every app process."
      >
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="settings-version">
          Version <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">{current.version}</span> in force
        </p>
      </PageHeader>
      {/* Not keyed by version: the editor resets its draft itself when the version moves on,
          and a remount would drop the "Saved as version N" notice of the save that moved it. */}
      <SettingsEditor
        version={current.version}
        settings={current.settings}
        evalFiles={files}
        defaultFiles={DEFAULT_TRIAL_FILES.filter((f) => files.includes(f))}
      />
      <SettingsHistory
        currentVersion={current.version}
        currentSettings={current.settings}
        versions={history.map((v) => ({
          version: v.version,
          reason: v.reason,
          createdByName: v.createdByName,
          createdAt: v.createdAt.toISOString(),
          restoredVersion: v.restoredVersion,
          diff: v.diff,
          settings: v.settings,
        }))}
      />
    </>
  );
}
