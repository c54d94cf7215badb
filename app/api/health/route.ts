import packageJson from "@/package.json";
import { pingDatabase } from "@/lib/db/queries/health";
import { ApiError, withApiErrors } from "@/lib/http/errors";

// Public liveness and readiness: 200 when the database answers, 503 otherwise.
// It says which kind of database is in use but never its address or any error text.
// The body is the same report either way (monitors read one shape); a 503 also
// carries the usual `error` object, so it reads like every other error response.
export const GET = withApiErrors("health", async () => {
  const db = await pingDatabase();
  const body = {
    status: db.ok ? "ok" : "degraded",
    app: { version: packageJson.version, uptimeSeconds: Math.round(process.uptime()) },
    database: {
      status: db.ok ? "ok" : "error",
      kind: process.env.SWITCHBOARD_DB_KIND === "embedded" ? "embedded" : "external",
      latencyMs: db.latencyMs,
    },
  };
  if (db.ok) return Response.json(body, { headers: { "cache-control": "no-store" } });
  const error = new ApiError("unavailable:health", "The database did not answer.");
  return Response.json({ ...body, ...error.toBody() }, { status: error.status, headers: { "cache-control": "no-store" } });
});
