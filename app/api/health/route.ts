import packageJson from "@/package.json";
import { getStaffSession } from "@/lib/auth/session";
import { pingDatabase } from "@/lib/db/queries/health";
import { ApiError, withApiErrors } from "@/lib/http/errors";
import { log } from "@/lib/log";

// Liveness and readiness: 200 when the database answers, 503 otherwise. Anyone may ask
// (load balancers and monitors carry no session), and an anonymous caller learns only
// that: `{ status }`. The version, uptime and database kind and latency help an
// attacker more than a monitor, so only a signed-in staff member gets them. Never the
// database's address or any error text. A 503 also carries the usual `error` object,
// so it reads like every other error response.
export const GET = withApiErrors("health", async () => {
  const db = await pingDatabase();
  const status = db.ok ? "ok" : "degraded";
  const body = (await staffAsking()) ? { status, ...details(db) } : { status };
  if (db.ok) return Response.json(body, { headers: { "cache-control": "no-store" } });
  const error = new ApiError("unavailable:health", "The database did not answer.");
  return Response.json({ ...body, ...error.toBody() }, { status: error.status, headers: { "cache-control": "no-store" } });
});

/** Whether a signed-in staff member asks. The session is read from the database, which may be what is down: then nobody is. */
async function staffAsking(): Promise<boolean> {
  try {
    return (await getStaffSession()) !== null;
  } catch (err) {
    log.warn({ err }, "[health] could not read the staff session");
    return false;
  }
}

function details(db: { ok: boolean; latencyMs: number }) {
  return {
    app: { version: packageJson.version, uptimeSeconds: Math.round(process.uptime()) },
    database: {
      status: db.ok ? "ok" : "error",
      kind: process.env.SWITCHBOARD_DB_KIND === "embedded" ? "embedded" : "external",
      latencyMs: db.latencyMs,
    },
  };
}
