import { describe, expect, it } from "vitest";
import { diffSettings, settingsIssues, settingsSchemaFor, type Settings } from "../contracts/settings";

const WORKERS = ["billing", "tech_support", "account"];
const worker = { enabled: true, modelId: null, confidenceThreshold: 0.7, timeoutMs: 20_000, maxToolSteps: 8, retries: 1 };
const valid: Settings = {
  workers: { billing: { ...worker }, tech_support: { ...worker }, account: { ...worker } },
  policy: {
    autoCreditLimitCents: 5_000,
    autoCreditWindowDays: 30,
    etfPerRemainingMonthCents: 1_000,
    etfCapCents: 24_000,
    reviewKinds: {
      credit_over_limit: { enabled: true, slaMinutes: 240 },
      downgrade_fee: { enabled: true, slaMinutes: 480 },
      low_confidence: { enabled: true, slaMinutes: 60 },
      worker_failure: { enabled: true, slaMinutes: 30 },
      handoff: { enabled: true, slaMinutes: 15 },
    },
    claimMinutes: 15,
  },
  alerts: { runTokenBudget: 50_000, dailyTokenBudget: 5_000_000, zScoreThreshold: 3, minSamples: 20 },
};
const schema = settingsSchemaFor(WORKERS);
const issuesOf = (doc: unknown) => {
  const r = schema.safeParse(doc);
  return r.success ? {} : settingsIssues(r.error);
};
const edit = (f: (s: Settings) => void) => {
  const s = structuredClone(valid);
  f(s);
  return s;
};

describe("settings schema", () => {
  it("accepts the defaults' shape", () => {
    expect(schema.safeParse(valid).success).toBe(true);
  });

  it("reads a version saved before handoffs existed, with the handoff default", () => {
    const { handoff: _h, ...older } = valid.policy.reviewKinds;
    const parsed = settingsSchemaFor(WORKERS).parse({ ...valid, policy: { ...valid.policy, reviewKinds: older } });
    expect(parsed.policy.reviewKinds.handoff).toEqual({ slaMinutes: 15, enabled: true });
  });

  it("refuses out-of-range numbers with a message that names the setting", () => {
    expect(issuesOf(edit((s) => (s.policy.autoCreditLimitCents = -100)))).toEqual({ "policy.autoCreditLimitCents": "Auto-credit limit must be at least 0 cents" });
    expect(issuesOf(edit((s) => (s.workers.billing.confidenceThreshold = 1.2)))).toEqual({ "workers.billing.confidenceThreshold": "Confidence threshold must be between 0 and 1" });
    expect(issuesOf(edit((s) => (s.workers.account.timeoutMs = 0)))).toEqual({ "workers.account.timeoutMs": "Timeout must be at least 1000 ms" });
    expect(issuesOf(edit((s) => (s.policy.autoCreditWindowDays = 2.5)))).toEqual({ "policy.autoCreditWindowDays": "Auto-credit window must be a whole number of days" });
  });

  it("refuses unknown keys anywhere, including a worker the registry does not know", () => {
    expect(issuesOf({ ...valid, debug: true })).toEqual({ "": "Unknown setting: debug" });
    expect(issuesOf(edit((s) => (s.workers.refunds = { ...worker })))).toEqual({ workers: "Unknown setting: refunds" });
    expect(issuesOf(edit((s) => ((s.policy as Record<string, unknown>).maxCredit = 1)))).toEqual({ policy: "Unknown setting: maxCredit" });
  });

  it("keeps the reviews that guard money and failures, and at least one worker", () => {
    expect(issuesOf(edit((s) => (s.policy.reviewKinds.credit_over_limit.enabled = false)))).toEqual({
      "policy.reviewKinds.credit_over_limit.enabled": "credit_over_limit reviews cannot be turned off: that action would then go through without a person",
    });
    expect(issuesOf(edit((s) => (s.policy.reviewKinds.low_confidence.enabled = false)))).toEqual({});
    expect(issuesOf(edit((s) => Object.values(s.workers).forEach((w) => (w.enabled = false))))).toEqual({ workers: "At least one worker must stay enabled" });
  });

  it("diffs two documents leaf by leaf", () => {
    const after = edit((s) => {
      s.policy.autoCreditLimitCents = 2_000;
      s.workers.billing.modelId = "gpt-4.1";
    });
    expect(diffSettings(valid, after)).toEqual([
      { path: "workers.billing.modelId", before: null, after: "gpt-4.1" },
      { path: "policy.autoCreditLimitCents", before: 5_000, after: 2_000 },
    ]);
    expect(diffSettings(valid, structuredClone(valid))).toEqual([]);
  });
});
