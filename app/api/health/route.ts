import packageJson from "@/package.json";
import { pingDatabase } from "@/lib/db/queries/health";

// Public liveness and readiness: 200 when the database answers, 503 otherwise.
// It says which kind of database is in use but never its address or any error text.
export async function GET() {
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
  return Response.json(body, { status: db.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
