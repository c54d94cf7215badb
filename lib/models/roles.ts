import type { LanguageModelV4 } from "@ai-sdk/provider";

/** The roles that are not workers; every worker name is a role of its own. */
export const CORE_ROLES = ["supervisor", "synthesis"] as const;

/**
 * A model per role: the supervisor, synthesis, and one per worker, keyed by the
 * worker's name (the worker registry decides which names exist).
 */
export type Models = { supervisor: LanguageModelV4; synthesis: LanguageModelV4 } & Record<string, LanguageModelV4>;

/** The model of a role, or a clear error naming the role nobody configured. */
export function modelFor(models: Models, role: string): LanguageModelV4 {
  if (!Object.hasOwn(models, role)) throw new Error(`no model is configured for the role "${role}"`);
  return models[role];
}
