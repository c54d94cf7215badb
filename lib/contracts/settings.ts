import { z } from "zod";
import { REVIEW_KINDS, type ReviewKind } from "./reviews";

// Worker, policy and alert settings an admin may change at run time. One zod schema
// validates every edit (the admin page, the eval runner's draft, a stored version
// read back): strict objects, so an unknown key is an error, and bounds with messages
// a person can act on. Environment variables only supply the first version's values.

const int = (what: string, min: number, max: number, unit = "") =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number${unit ? ` of${unit}` : ""}`)
    .min(min, `${what} must be at least ${min}${unit}`)
    .max(max, `${what} must be at most ${max}${unit}`);

const ratio = (what: string) =>
  z.number({ error: `${what} must be a number` }).min(0, `${what} must be between 0 and 1`).max(1, `${what} must be between 0 and 1`);

export const workerSettingsSchema = z.strictObject({
  /** A disabled worker is not offered to the supervisor; a plan naming it gets a person instead. */
  enabled: z.boolean(),
  /** The hosted model id for this worker; null keeps the environment's (OPENAI_MODEL_<NAME>). */
  modelId: z.string().trim().min(1, "Model id must not be empty (clear it to use the default)").max(100).nullable(),
  /** Below this the result goes to a person (low_confidence review). */
  confidenceThreshold: ratio("Confidence threshold"),
  timeoutMs: int("Timeout", 1_000, 300_000, " ms"),
  maxToolSteps: int("Max tool steps", 1, 50),
  /** Attempts after the first one when the worker fails or times out. */
  retries: int("Retries", 0, 3),
});
export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

const reviewKindSettingsSchema = z.strictObject({
  /** A person's answer is due within this many minutes of the item's creation. */
  slaMinutes: int("SLA", 1, 60 * 24 * 30, " minutes"),
  enabled: z.boolean(),
});

/** Review kinds that guard money or a failure: turning them off would let an action through silently. */
export const REQUIRED_REVIEW_KINDS: readonly ReviewKind[] = ["credit_over_limit", "downgrade_fee", "worker_failure"];

export const policySettingsSchema = z.strictObject({
  autoCreditLimitCents: int("Auto-credit limit", 0, 1_000_000, " cents"),
  autoCreditWindowDays: int("Auto-credit window", 1, 365, " days"),
  etfPerRemainingMonthCents: int("Early-termination fee per month", 0, 100_000, " cents"),
  etfCapCents: int("Early-termination fee cap", 0, 10_000_000, " cents"),
  reviewKinds: z.strictObject(
    // A document saved before a kind existed gets that kind's default (handoff came later).
    Object.fromEntries(REVIEW_KINDS.map((k) => [k, k === "handoff" ? reviewKindSettingsSchema.default({ slaMinutes: 15, enabled: true }) : reviewKindSettingsSchema])) as Record<ReviewKind, typeof reviewKindSettingsSchema>,
  ),
  /** How long a reviewer's claim on an item lasts before another may take it. */
  claimMinutes: int("Claim duration", 1, 24 * 60, " minutes"),
});
export type PolicySettings = z.infer<typeof policySettingsSchema>;
/** The numbers the tools enforce (credit limit and window, early-termination fee). */
export type PolicyNumbers = Pick<PolicySettings, "autoCreditLimitCents" | "autoCreditWindowDays" | "etfPerRemainingMonthCents" | "etfCapCents">;

export const alertSettingsSchema = z.strictObject({
  /** Tokens one run may use before it raises an alert. */
  runTokenBudget: int("Token budget per run", 100, 10_000_000, " tokens"),
  /** Tokens all runs together may use in a day. */
  dailyTokenBudget: int("Daily token budget", 1_000, 1_000_000_000, " tokens"),
  /** A worker's tokens, latency or failure rate this many standard deviations above its baseline is an anomaly. */
  zScoreThreshold: z.number({ error: "z-score threshold must be a number" }).min(1, "z-score threshold must be at least 1").max(10, "z-score threshold must be at most 10"),
  /** Samples needed before a baseline is trusted. */
  minSamples: int("Minimum samples", 5, 10_000),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/**
 * The one schema for a whole settings document, for the workers that are registered
 * (a worker the registry does not know is an unknown key, like any other).
 */
export function settingsSchemaFor(workerNames: readonly string[]) {
  return z
    .strictObject({
      workers: z.strictObject(Object.fromEntries(workerNames.map((n) => [n, workerSettingsSchema])) as Record<string, typeof workerSettingsSchema>),
      policy: policySettingsSchema,
      alerts: alertSettingsSchema,
    })
    .superRefine((s, ctx) => {
      for (const kind of REQUIRED_REVIEW_KINDS) {
        if (!s.policy.reviewKinds[kind].enabled) {
          ctx.addIssue({ code: "custom", path: ["policy", "reviewKinds", kind, "enabled"], message: `${kind} reviews cannot be turned off: that action would then go through without a person` });
        }
      }
      if (!Object.values(s.workers).some((w) => w.enabled)) {
        ctx.addIssue({ code: "custom", path: ["workers"], message: "At least one worker must stay enabled" });
      }
    });
}

export interface Settings {
  workers: Record<string, WorkerSettings>;
  policy: PolicySettings;
  alerts: AlertSettings;
}

/** One changed leaf: its dotted path and both values. */
export interface SettingsChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Every leaf that differs between two settings documents, in document order. */
export function diffSettings(before: unknown, after: unknown, prefix = ""): SettingsChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffSettings(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: prefix, before: before ?? null, after: after ?? null }];
}

/** Zod issues as { "policy.autoCreditLimitCents": "Auto-credit limit must be at least 0 cents" }, for inline errors. */
export function settingsIssues(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".");
    const message = issue.code === "unrecognized_keys" ? `Unknown setting${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}` : issue.message;
    out[key] ??= message;
  }
  return out;
}
