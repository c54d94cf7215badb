import type { AlertSettings } from "../contracts";
import type { Db } from "../db/client";
import { median } from "../stats";

// Anomaly alerts. A finished worker invocation is compared with its worker's recent
// baseline (the last BASELINE invocations before it, cache hits left out) by a robust
// z-score: (x - median) / (1.4826 · MAD), which one runaway invocation in the baseline
// cannot drag the way it drags a mean and standard deviation. Only the high side
// alerts: a cheap, fast invocation is not a problem. A run past the per-run token
// budget and a day past the daily budget alert too. Thresholds come from the
// settings in force (alerts.zScoreThreshold, minSamples, runTokenBudget,
// dailyTokenBudget). Each alert is keyed (subject, metric): detecting twice, in one
// process or several, inserts it once.

const BASELINE = 200;

export interface RobustScore {
  median: number;
  /** The robust z-score, or null when the baseline has no spread at all. */
  z: number | null;
}

/** The robust z-score of `x` against `sample`. */
export function robustZ(x: number, sample: readonly number[]): RobustScore {
  if (sample.length === 0) return { median: 0, z: null };
  const med = median(sample);
  const mad = median(sample.map((v) => Math.abs(v - med)));
  if (mad > 0) return { median: med, z: (x - med) / (1.4826 * mad) };
  // More than half the baseline is one value: fall back to the mean absolute deviation.
  const meanAbs = sample.reduce((s, v) => s + Math.abs(v - med), 0) / sample.length;
  return { median: med, z: meanAbs > 0 ? (x - med) / (1.2533 * meanAbs) : null };
}

type Candidate = { id: string; runId: string; worker: string; tokens: number; latencyMs: number | null; finishedAt: Date };

async function insertAlert(
  db: Db,
  a: { subject: string; runId: string; worker: string; metric: string; value: number; baseline: number | null; score: number | null; threshold: number; message: string },
): Promise<boolean> {
  const n = await db.$executeRaw`
    INSERT INTO usage_alerts (id, "invocationId", "runId", worker, metric, value, baseline, score, threshold, message, "nextDeliveryAt")
    VALUES (gen_random_uuid()::text, ${a.subject}, ${a.runId}, ${a.worker}, ${a.metric}, ${a.value}, ${a.baseline}, ${a.score}, ${a.threshold}, ${a.message}, now())
    ON CONFLICT ("invocationId", metric) DO NOTHING`;
  return n > 0;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Checks the worker invocations that finished at or after `since` (and the runs and
 * days they belong to) and stores an alert for each anomaly. Returns how many new
 * alerts it stored and the latest finish time it saw (the caller's next `since`).
 */
export async function detectAnomalies({ db, settings, since }: { db: Db; settings: AlertSettings; since: Date }): Promise<{ created: number; seenUntil: Date }> {
  const candidates = await db.$queryRaw<Candidate[]>`
    SELECT id, "runId", worker, "tokensIn" + "tokensOut" AS tokens, "latencyMs", "finishedAt"
    FROM worker_invocations
    WHERE "finishedAt" >= ${since} AND NOT "cacheHit" AND status <> 'running'
    ORDER BY "finishedAt" LIMIT 1000`;
  let created = 0;
  let seenUntil = since;
  for (const c of candidates) {
    if (c.finishedAt > seenUntil) seenUntil = c.finishedAt;
    const baseline = await db.$queryRaw<Array<{ tokens: number; latencyMs: number | null }>>`
      SELECT "tokensIn" + "tokensOut" AS tokens, "latencyMs" FROM worker_invocations
      WHERE worker = ${c.worker} AND NOT "cacheHit" AND status = 'succeeded' AND "finishedAt" < ${c.finishedAt} AND id <> ${c.id}
      ORDER BY "finishedAt" DESC LIMIT ${BASELINE}`;
    if (baseline.length < settings.minSamples) continue;
    const metrics: Array<["tokens" | "latency", number | null, number[], string]> = [
      ["tokens", Number(c.tokens), baseline.map((b) => Number(b.tokens)), "tokens"],
      ["latency", c.latencyMs, baseline.flatMap((b) => (b.latencyMs === null ? [] : [b.latencyMs])), "ms"],
    ];
    for (const [metric, value, sample, unit] of metrics) {
      if (value === null || sample.length < settings.minSamples) continue;
      const { median, z } = robustZ(value, sample);
      if (z === null ? value <= median : z < settings.zScoreThreshold) continue;
      const ratio = median > 0 ? ` (${(value / median).toFixed(1)}× the median)` : "";
      const stored = await insertAlert(db, {
        subject: c.id, runId: c.runId, worker: c.worker, metric, value, baseline: median, score: z, threshold: settings.zScoreThreshold,
        message: `${c.worker} used ${fmt(value)} ${unit}${ratio}, robust z ${z === null ? "∞" : z.toFixed(1)} over its last ${sample.length} invocations (threshold ${settings.zScoreThreshold})`,
      });
      if (stored) created++;
    }
  }
  created += await checkBudgets(db, settings, candidates);
  return { created, seenUntil };
}

/** The per-run and per-day token budgets, for the runs and days the candidates touch. */
async function checkBudgets(db: Db, settings: AlertSettings, candidates: Candidate[]): Promise<number> {
  let created = 0;
  const runIds = [...new Set(candidates.map((c) => c.runId))];
  if (runIds.length) {
    const over = await db.$queryRaw<Array<{ runId: string; tokens: bigint }>>`
      SELECT "runId", sum("tokensIn" + "tokensOut") AS tokens FROM model_calls
      WHERE "runId" = ANY(${runIds}) GROUP BY "runId" HAVING sum("tokensIn" + "tokensOut") > ${settings.runTokenBudget}`;
    for (const r of over) {
      const tokens = Number(r.tokens);
      if (await insertAlert(db, {
        subject: `run:${r.runId}`, runId: r.runId, worker: "all", metric: "run_token_budget", value: tokens, baseline: null, score: null,
        threshold: settings.runTokenBudget, message: `A run used ${fmt(tokens)} tokens, over the per-run budget of ${fmt(settings.runTokenBudget)}`,
      })) created++;
    }
  }
  const days = [...new Set(candidates.map((c) => c.finishedAt.toISOString().slice(0, 10)))];
  for (const day of days) {
    const start = new Date(`${day}T00:00:00.000Z`);
    const [row] = await db.$queryRaw<Array<{ tokens: bigint | null; lastRun: string | null }>>`
      SELECT sum("tokensIn" + "tokensOut") AS tokens, (array_agg("runId" ORDER BY "createdAt" DESC))[1] AS "lastRun"
      FROM model_calls WHERE "createdAt" >= ${start} AND "createdAt" < ${new Date(start.getTime() + 86_400_000)}`;
    const tokens = Number(row?.tokens ?? 0);
    if (tokens > settings.dailyTokenBudget && row?.lastRun) {
      if (await insertAlert(db, {
        subject: `day:${day}`, runId: row.lastRun, worker: "all", metric: "daily_token_budget", value: tokens, baseline: null, score: null,
        threshold: settings.dailyTokenBudget, message: `${day}: ${fmt(tokens)} tokens so far, over the daily budget of ${fmt(settings.dailyTokenBudget)}`,
      })) created++;
    }
  }
  return created;
}
