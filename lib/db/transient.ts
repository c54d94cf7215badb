// Errors of the database's plumbing rather than of the data: a terminated or
// refused connection, a serialization failure, a deadlock, a pool that could not
// hand out a connection in time. The same work can succeed if tried again (under
// the same idempotency key), and none of them says anything about the customer's
// account, so they must never reach a model as a business answer.
import { backoffMs, sleep, withJitter } from "../backoff";

const SQLSTATES = new Set([
  "57P01", "57P02", "57P03", // admin shutdown, crash shutdown, cannot connect now
  "08000", "08001", "08003", "08004", "08006", // connection exceptions
  "40001", "40P01", // serialization failure, deadlock
  "53300", // too many connections
]);

// Prisma's own codes for the same conditions (server unreachable or closed the
// connection, pool timeout, transaction closed under us, write conflict).
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "P2028", "P2034"]);

const MESSAGES = /connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|server closed the connection|terminating connection|timeout exceeded when trying to connect|Connection is closed|Transaction already closed|transaction is closed/i;

function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string; code?: string } } }; cause?: unknown };
  const adapter = e?.meta?.driverAdapterError?.cause;
  if (adapter?.originalCode) return adapter.originalCode;
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

// A transaction Prisma closed because it outlived its own timeout (P2028 "… cannot be
// executed on an expired transaction"). Not the connection's fault: the work took too
// long, and whoever waited for it has likely given up. Run again, it would act after them.
const EXPIRED = /expired transaction/i;

/** Whether `err` is a transient failure of the database connection or of concurrency control. */
export function isTransientDbError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (EXPIRED.test(String((e as { message?: unknown }).message ?? ""))) return false;
  }
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const state = sqlState(e);
    if (state && SQLSTATES.has(state)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && PRISMA_CODES.has(code)) return true;
    if (MESSAGES.test(String((e as { message?: unknown }).message ?? ""))) return true;
  }
  return false;
}

/** An operation that kept failing for transient reasons: the caller fails the work, never answers from it. */
export class InfrastructureError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = "InfrastructureError";
  }
}

// Prisma's interactive transaction could not start within its maxWait, or outlived its
// timeout and was rolled back (both P2028). Not safe to repeat on the caller's behalf
// (see EXPIRED above), but nothing of it committed: the person who asked may try again.
const TRANSACTION_TIMEOUT = /unable to start a transaction in the given time|expired transaction/i;

/**
 * Whether `err` says the database was too busy or unreachable to do the work now (a
 * transient failure, retries that ran out, a transaction that timed out), rather than
 * anything about the request: the HTTP surface answers 503 with Retry-After, not 500.
 */
export function isDatabaseBusy(err: unknown): boolean {
  if (err instanceof InfrastructureError || isTransientDbError(err)) return true;
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "P2028" || TRANSACTION_TIMEOUT.test(String((e as { message?: unknown }).message ?? ""))) return true;
  }
  return false;
}

/**
 * Runs `fn`, retrying it with exponential backoff (and jitter) while it fails with a
 * transient database error. The caller's work must be safe to repeat: a side effect
 * runs under an idempotency key, so a retry replays instead of acting twice. After
 * the last attempt an InfrastructureError is thrown.
 */
export async function withTransientRetry<T>(
  fn: () => Promise<T>,
  opts: { attempts?: number; baseMs?: number; maxMs?: number; what?: string; signal?: AbortSignal; onRetry?: (err: unknown, attempt: number) => void } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
      // The caller stopped waiting: a retry now would act unobserved.
      if (opts.signal?.aborted) throw err;
      if (attempt >= attempts) {
        throw new InfrastructureError(`${opts.what ?? "database operation"} failed ${attempts} times: ${(err as Error).message?.split("\n").filter(Boolean).at(-1) ?? err}`, err);
      }
      opts.onRetry?.(err, attempt);
      await sleep(withJitter(backoffMs(attempt, { baseMs: base, maxMs: opts.maxMs ?? 1_000 })));
    }
  }
}
