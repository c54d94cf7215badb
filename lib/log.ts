import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

// The project's one logger. JSON lines in production (one object per line, for a log
// shipper), readable lines in development and tests. Customer tokens, secrets and
// passwords are always redacted; message bodies and tool payloads only appear at
// debug level, so an info-level production log never holds what a customer wrote.

export type { Logger };

const REDACT = [
  "token", "*.token", "customerToken", "*.customerToken",
  "password", "*.password", "secret", "*.secret", "apiKey", "*.apiKey",
  "authorization", "*.authorization", "headers.authorization", "headers.cookie", "cookie", "*.cookie",
];

function level(env: Record<string, string | undefined>): string {
  if (env.LOG_LEVEL) return env.LOG_LEVEL;
  // Tests provoke failures on purpose; their output stays readable (LOG_LEVEL=debug shows all).
  if (env.NODE_ENV === "test" || env.VITEST) return "silent";
  return "info";
}

/** Builds a root logger from the environment (exported for tests; code uses `log`). */
function createLogger(env: Record<string, string | undefined> = process.env, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: level(env),
    base: { app: "switchboard" },
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  const json = env.NODE_ENV === "production" || env.LOG_FORMAT === "json";
  // pino-pretty as a synchronous stream, not a transport: transports start worker
  // threads, which the Next.js server bundle cannot resolve.
  return json ? pino(options) : pino(options, pretty({ sync: true, colorize: false, ignore: "pid,hostname,app" }));
}

export const log: Logger = createLogger();

/** A child logger for one run: every line it writes carries the run id. */
export function runLogger(runId: string, parent: Logger = log): Logger {
  return parent.child({ runId });
}
