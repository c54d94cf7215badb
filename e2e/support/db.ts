import pg from "pg";
import { e2eDatabaseUrl } from "./env";

/** One query on the app's database (assertions about what a journey left behind). */
export async function dbQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** How many runs a customer has had. */
export async function countRuns(customerId: string): Promise<number> {
  const [row] = await dbQuery<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE "customerId" = $1`, [customerId]);
  return Number(row.n);
}
