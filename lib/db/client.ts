import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

export type Db = PrismaClient;
/** The client or an interactive transaction: query functions accept either. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** A Prisma client over the pg driver adapter (the same path for real and embedded PostgreSQL). */
export function createDb(connectionString: string, max = 10): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

const globalForDb = globalThis as unknown as { switchboardDb?: Db };

/** The process-wide client for DATABASE_URL (set by the start script when embedded). */
export function getDb(): Db {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  globalForDb.switchboardDb ??= createDb(url);
  return globalForDb.switchboardDb;
}
