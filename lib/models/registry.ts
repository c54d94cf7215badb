import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { z } from "zod";
import type { IntentClassifier } from "../contracts";
import { createLocalModel } from "./local";
import { localIntentClassifier } from "./local/intent-classifier";
import { CORE_ROLES, type Models } from "./roles";

// The model provider's public face: the engine's composition root asks it for a
// model per role and for an intent classifier, and never imports what is behind it.

export { modelFor, type Models } from "./roles";

const envSchema = z.object({
  SWITCHBOARD_MODEL: z.enum(["local", "openai"]).default("local"),
  LOCAL_MODEL_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().default("gpt-4.1-mini"),
});

/** The local model's roles: its decision logic knows these three workers. */
const LOCAL_WORKER_ROLES = ["billing", "tech_support", "account"] as const;

/** Per-role model id: OPENAI_MODEL_SUPERVISOR, OPENAI_MODEL_BILLING, ... fall back to OPENAI_MODEL. */
function roleModelId(role: string, env: Record<string, string | undefined>, fallback: string) {
  return env[`OPENAI_MODEL_${role.toUpperCase()}`] ?? fallback;
}

/** The model for the core roles and every named worker, from the environment (local by default). */
export function modelsFromEnv(
  env: Record<string, string | undefined> = process.env,
  workerNames: readonly string[] = LOCAL_WORKER_ROLES,
): Models {
  const cfg = envSchema.parse(env);
  if (cfg.SWITCHBOARD_MODEL === "openai") {
    if (!cfg.OPENAI_API_KEY) throw new Error("SWITCHBOARD_MODEL=openai needs OPENAI_API_KEY");
    const openai = createOpenAI({ apiKey: cfg.OPENAI_API_KEY, baseURL: cfg.OPENAI_BASE_URL });
    // Chat Completions is what OpenAI-compatible servers (vLLM, Ollama, LM Studio) serve.
    const roles = [...CORE_ROLES, ...workerNames];
    return Object.fromEntries(roles.map((r) => [r, openai.chat(roleModelId(r, env, cfg.OPENAI_MODEL))])) as unknown as Models;
  }
  return localModels(cfg.LOCAL_MODEL_LATENCY_MS, workerNames);
}

/**
 * A model for `role` under an explicit model id (an admin's per-worker setting): the
 * hosted model of that id, or the local model, whose behaviour does not depend on an id.
 */
export function modelWithIdFromEnv(env: Record<string, string | undefined> = process.env): (role: string, modelId: string) => LanguageModelV4 {
  const cfg = envSchema.parse(env);
  if (cfg.SWITCHBOARD_MODEL === "openai") {
    if (!cfg.OPENAI_API_KEY) throw new Error("SWITCHBOARD_MODEL=openai needs OPENAI_API_KEY");
    const openai = createOpenAI({ apiKey: cfg.OPENAI_API_KEY, baseURL: cfg.OPENAI_BASE_URL });
    return (_role, modelId) => openai.chat(modelId) as unknown as LanguageModelV4;
  }
  return (role) => createLocalModel(role, cfg.LOCAL_MODEL_LATENCY_MS);
}

/** The offline model for every role (a worker it has no logic for refuses its tasks). */
export function localModels(latencyMs = 0, workerNames: readonly string[] = LOCAL_WORKER_ROLES): Models {
  const roles = [...new Set([...CORE_ROLES, ...LOCAL_WORKER_ROLES, ...workerNames])];
  return Object.fromEntries(roles.map((r) => [r, createLocalModel(r, latencyMs)])) as unknown as Models;
}

/**
 * The intent classifier for tiered delegation, whichever model plans (local or
 * openai): the local classifier behind its domain gate. It names a worker only for
 * a message that is clearly in-domain and single-intent, and abstains on anything
 * else, so with a hosted planner every scope decision the classifier is not sure
 * of is the hosted model's (docs/ARCHITECTURE.md, "Out-of-domain requests").
 */
export function intentClassifierFromEnv(): IntentClassifier {
  return localIntentClassifier;
}
