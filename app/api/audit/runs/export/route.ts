import { runListFilterSchema } from "@/lib/audit/run-list";
import { runsCsvStream } from "@/lib/audit/runs-csv";
import { AREA_ROLES, checkAccess } from "@/lib/auth/roles";
import { getStaffSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { staffAccessError } from "@/lib/auth/errors";
import { invalidInput, withApiErrors } from "@/lib/http/errors";
import { requireSameOriginNavigation } from "@/lib/http/request-guard";

/** The run list under the same filters as /audit, as a streamed CSV download; the export is recorded on the audit log. */
export const GET = withApiErrors("audit", async (req: Request) => {
  // Before the session: another site's link must not download, nor write an export in the auditor's name.
  requireSameOriginNavigation(req, "audit");
  const access = checkAccess(await getStaffSession(), AREA_ROLES.audit);
  if (!access.ok) throw staffAccessError(access, "audit");
  const filter = runListFilterSchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!filter.success) throw invalidInput("audit", filter.error.issues);
  const stream = await runsCsvStream({ db: getDb(), filter: filter.data, staffEmail: access.staff.email });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="switchboard-runs-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
