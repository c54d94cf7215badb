// Where the app under test runs and which database it uses. Shared by the Playwright
// config (to start the server) and the specs (to put rows in place).

// E2E_PORT lets two checkouts on one machine run their browser tests side by side.
const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
/** The Origin a request from the app's own pages carries: state-changing route handlers require it (or a Bearer token). */
export const SAME_ORIGIN = { origin: E2E_BASE_URL };

// With no database given, the app starts its embedded PostgreSQL on this fixed port in
// its own data dir, so dev data stays untouched and specs can still reach the database.
const EMBEDDED_PG_PORT = 54329;

/** An external PostgreSQL for the run, if one was given. */
function externalDatabaseUrl(): string | undefined {
  return process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL;
}

// The demo host site for the widget journeys: a second origin, on another site than the
// app (localhost vs 127.0.0.1), so the widget really runs in a cross-site iframe. The
// same server on a second port is a host that is not allowed to embed the widget.
export const HOST_PORT = E2E_PORT + 1;
export const HOST_URL = `http://localhost:${HOST_PORT}`;
export const OTHER_HOST_PORT = E2E_PORT + 2;
export const OTHER_HOST_URL = `http://localhost:${OTHER_HOST_PORT}`;

// The OTLP receiver and trace viewer stand-in (e2e/support/otlp-receiver.ts): the app
// under test exports its spans there, and its run pages link to its trace pages.
export const OTLP_PORT = E2E_PORT + 3;
export const OTLP_URL = `http://127.0.0.1:${OTLP_PORT}`;

// The secret the app and the demo host's backend share (a host's backend signs the
// customer tokens that Switchboard verifies).
export const E2E_CUSTOMER_TOKEN_SECRET = "e2e-customer-token-secret-0123456789abcdef";

/** Environment for `node --import tsx scripts/start.ts` under test. */
export function e2eServerEnv(): Record<string, string> {
  // Each local model call takes a little while, as a hosted one would, so a run lasts
  // a few seconds: long enough for the chat specs to reload or decide in the middle of one.
  const env: Record<string, string> = {
    PORT: String(E2E_PORT),
    LOCAL_MODEL_LATENCY_MS: "300",
    // The journeys pick demo customers on /chat.
    SWITCHBOARD_DEMO: "1",
    CUSTOMER_TOKEN_SECRET: E2E_CUSTOMER_TOKEN_SECRET,
    WIDGET_ALLOWED_ORIGINS: HOST_URL,
    // Telemetry on, as an operator would run it: spans to the receiver, run pages link to it.
    OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_URL,
    OTEL_SERVICE_NAME: "switchboard-e2e",
    SWITCHBOARD_TRACE_URL: `${OTLP_URL}/trace/{traceId}`,
  };
  const external = externalDatabaseUrl();
  if (external) env.DATABASE_URL = external;
  else Object.assign(env, { SWITCHBOARD_DATA_DIR: ".data/e2e-pg", EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT) });
  return env;
}

/** The connection string of the database the app under test uses. */
export function e2eDatabaseUrl(): string {
  return externalDatabaseUrl() ?? `postgresql://postgres@127.0.0.1:${EMBEDDED_PG_PORT}/postgres?sslmode=disable`;
}
