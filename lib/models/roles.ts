export const MODEL_ROLES = ["supervisor", "billing", "tech_support", "account", "synthesis"] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];
