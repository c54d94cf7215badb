import { z } from "zod";
import { exportRunJson } from "@/lib/audit/run-record";
import { checkAccess } from "@/lib/auth/roles";
import { RUN_READER_ROLES } from "@/lib/auth/run-access";
import { getStaffSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { staffAccessError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { requireSameOriginNavigation } from "@/lib/http/request-guard";

const runIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, "not a run id");

/** One run as a JSON download (auditors and admins); the export is recorded on the audit log. */
export const GET = withApiErrors("audit", async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  // Before the session: another site's link must not download, nor write an export in the auditor's name.
  requireSameOriginNavigation(req, "audit");
  const access = checkAccess(await getStaffSession(), RUN_READER_ROLES);
  if (!access.ok) throw staffAccessError(access, "audit");
  const id = runIdSchema.safeParse((await ctx.params).id);
  if (!id.success) throw invalidInput("audit", id.error.issues);
  const body = await exportRunJson({ db: getDb(), runId: id.data, staffEmail: access.staff.email });
  if (body === null) throw new ApiError("not_found:audit", "No such run.");
  return new Response(body, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="run-${id.data}.json"`,
      "cache-control": "no-store",
    },
  });
});
