import pg from "pg";

// What a database holds, table by table, as one digest each: every row's text in a
// stable order, hashed. Two fingerprints that are equal mean the tables hold the same
// rows, byte for byte (what "the trial changed nothing live" has to show).

export type Fingerprint = Record<string, string>;

/** Each table of the public schema (but `except`) as `rows:md5`, and each sequence's position. */
export async function databaseFingerprint(url: string, opts: { except?: readonly string[] } = {}): Promise<Fingerprint> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const except = new Set(opts.except ?? []);
    const { rows: tables } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const out: Fingerprint = {};
    for (const { t } of tables) {
      if (except.has(t)) continue;
      const q = `"${t.replace(/"/g, '""')}"`;
      const { rows } = await c.query<{ n: string; h: string | null }>(`SELECT count(*) AS n, md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS h FROM ${q} r`);
      out[t] = `${rows[0].n}:${rows[0].h ?? "-"}`;
    }
    const { rows: seqs } = await c.query<{ s: string; v: string | null }>(`SELECT sequencename AS s, last_value::text AS v FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`);
    for (const { s, v } of seqs) if (![...except].some((t) => s.startsWith(t))) out[`sequence ${s}`] = v ?? "unused";
    return out;
  } finally {
    await c.end();
  }
}
