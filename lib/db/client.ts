import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type Db = PrismaClient;
/** The client or an interactive transaction: query functions accept either. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * A transaction left open and idle this long is ended by the server. A process that is
 * stopped (SIGSTOP, swapped out, a debugger) in the middle of a transaction would
 * otherwise hold its row locks, a run's among them, for as long as it stays stopped, and
 * the process that takes its runs over would wait on them; its writes are refused anyway
 * once it continues (./run-lease). No transaction of ours waits on the application that
 * long between two statements. The embedded server ignores startup options (one session).
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/** A Prisma client over the pg driver adapter (the same path for real and embedded PostgreSQL). */
export function createDb(connectionString: string, max = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max, options: `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_TIMEOUT_MS}` }) });
}

const globalForDb = globalThis as unknown as { switchboardDb?: Db };

/** The process-wide client for DATABASE_URL (set by the start script when embedded). */
export function getDb(): Db {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  globalForDb.switchboardDb ??= createDb(url);
  return globalForDb.switchboardDb;
}
