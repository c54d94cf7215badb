import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { z } from "zod";
import { createLocalModel } from "./local";
import { MODEL_ROLES, type ModelRole } from "./roles";

export type Models = Record<ModelRole, LanguageModelV4>;

const envSchema = z.object({
  SWITCHBOARD_MODEL: z.enum(["local", "openai"]).default("local"),
  LOCAL_MODEL_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().default("gpt-4.1-mini"),
});

/** Per-role model id: OPENAI_MODEL_SUPERVISOR, OPENAI_MODEL_BILLING, ... fall back to OPENAI_MODEL. */
function roleModelId(role: ModelRole, env: Record<string, string | undefined>, fallback: string) {
  return env[`OPENAI_MODEL_${role.toUpperCase()}`] ?? fallback;
}

/** The model for every role, from the environment (local by default). */
export function modelsFromEnv(env: Record<string, string | undefined> = process.env): Models {
  const cfg = envSchema.parse(env);
  if (cfg.SWITCHBOARD_MODEL === "openai") {
    if (!cfg.OPENAI_API_KEY) throw new Error("SWITCHBOARD_MODEL=openai needs OPENAI_API_KEY");
    const openai = createOpenAI({ apiKey: cfg.OPENAI_API_KEY, baseURL: cfg.OPENAI_BASE_URL });
    // Chat Completions is what OpenAI-compatible servers (vLLM, Ollama, LM Studio) serve.
    return Object.fromEntries(MODEL_ROLES.map((r) => [r, openai.chat(roleModelId(r, env, cfg.OPENAI_MODEL))])) as unknown as Models;
  }
  return localModels(cfg.LOCAL_MODEL_LATENCY_MS);
}

export function localModels(latencyMs = 0): Models {
  return Object.fromEntries(MODEL_ROLES.map((r) => [r, createLocalModel(r, latencyMs)])) as unknown as Models;
}
