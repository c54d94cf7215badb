import { z } from "zod";

// The price table per model, in US dollars per million tokens, for the usage
// dashboard's estimated cost. Configuration: MODEL_PRICES (JSON) adds or replaces
// entries, e.g. MODEL_PRICES='{"gpt-4.1":{"inputPerMTok":2,"outputPerMTok":8}}'.
// The local model is priced like the default hosted model (gpt-4.1-mini), so the
// demo's figures read like a deployment's; a cache hit costs nothing.

const priceSchema = z.strictObject({
  inputPerMTok: z.number().min(0).max(10_000),
  outputPerMTok: z.number().min(0).max(10_000),
});
export type ModelPrice = z.infer<typeof priceSchema>;
const tableSchema = z.record(z.string().min(1).max(100), priceSchema);

const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  "gpt-4.1": { inputPerMTok: 2, outputPerMTok: 8 },
  "gpt-4.1-mini": { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  "gpt-4.1-nano": { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  "gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  local: { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  cache: { inputPerMTok: 0, outputPerMTok: 0 },
};

/** The price table in force: the defaults with MODEL_PRICES over them. Throws on a malformed value. */
export function priceTableFromEnv(env: Record<string, string | undefined> = process.env): Record<string, ModelPrice> {
  const raw = env.MODEL_PRICES;
  if (!raw) return { ...DEFAULT_PRICES };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("MODEL_PRICES must be JSON: {\"<model id>\": {\"inputPerMTok\": 0.4, \"outputPerMTok\": 1.6}}");
  }
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) throw new Error(`MODEL_PRICES is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { ...DEFAULT_PRICES, ...parsed.data };
}

/** The price of a model id: its own entry, else the local model's for `local-<role>`, else null (unpriced). */
export function priceFor(table: Record<string, ModelPrice>, model: string): ModelPrice | null {
  if (Object.hasOwn(table, model)) return table[model];
  if (model.startsWith("local-") && Object.hasOwn(table, "local")) return table.local;
  return null;
}

/** Estimated cost in US dollars, or null for an unpriced model. */
export function costUsd(table: Record<string, ModelPrice>, model: string, tokensIn: number, tokensOut: number): number | null {
  const p = priceFor(table, model);
  return p ? (tokensIn * p.inputPerMTok + tokensOut * p.outputPerMTok) / 1_000_000 : null;
}
