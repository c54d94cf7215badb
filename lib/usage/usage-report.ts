import type { Db } from "../db/client";
import { costUsd, priceFor, type ModelPrice } from "./prices";

// What the agents used over a window of days: tokens and estimated cost per day, per
// role (the supervisor, each worker, synthesis) and per model, from model_calls; the
// workers' latency percentiles, cache hit, failure and timeout rates from
// worker_invocations; the escalation rate and the costliest runs. A handful of
// grouped queries over the window, so the page costs the same however many runs.

export interface DailyUsage {
  day: string;
  /** Tokens (in + out) per role that day. */
  tokens: Record<string, number>;
  costUsd: number;
}

export interface ModelUsage {
  model: string;
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | null;
  price: ModelPrice | null;
}

export interface WorkerStats {
  worker: string;
  invocations: number;
  tokens: number;
  costUsd: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  cacheHitRate: number;
  failureRate: number;
  timeoutRate: number;
}

export interface UsageReport {
  from: Date;
  to: Date;
  days: DailyUsage[];
  roles: string[];
  models: ModelUsage[];
  workers: WorkerStats[];
  totals: { runs: number; tokens: number; costUsd: number; escalatedRuns: number; escalationRate: number; failedRuns: number };
  topRuns: Array<{ id: string; customerId: string; createdAt: Date; tokens: number; costUsd: number }>;
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

/** The report for the `days` days up to and including `now`'s (UTC) day. */
export async function loadUsageReport({ db, days, now = new Date(), prices }: { db: Db; days: number; now?: Date; prices: Record<string, ModelPrice> }): Promise<UsageReport> {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const from = new Date(to.getTime() - days * 86_400_000);

  const [byDay, workerRows, runTotals, runCalls] = await Promise.all([
    db.$queryRaw<Array<{ day: Date; role: string; model: string; calls: bigint; tokensIn: bigint; tokensOut: bigint }>>`
      SELECT date_trunc('day', "createdAt") AS day, role, model, count(*) AS calls, sum("tokensIn") AS "tokensIn", sum("tokensOut") AS "tokensOut"
      FROM model_calls WHERE "createdAt" >= ${from} AND "createdAt" < ${to}
      GROUP BY 1, 2, 3`,
    db.$queryRaw<Array<{ worker: string; n: bigint; p50: number | null; p95: number | null; hits: bigint; failed: bigint; timedOut: bigint }>>`
      SELECT worker, count(*) AS n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") FILTER (WHERE NOT "cacheHit") AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") FILTER (WHERE NOT "cacheHit") AS p95,
        count(*) FILTER (WHERE "cacheHit") AS hits,
        count(*) FILTER (WHERE status = 'failed') AS failed,
        count(*) FILTER (WHERE status = 'timed_out') AS "timedOut"
      FROM worker_invocations WHERE "startedAt" >= ${from} AND "startedAt" < ${to}
      GROUP BY worker ORDER BY worker`,
    db.$queryRaw<Array<{ runs: bigint; escalated: bigint; failed: bigint }>>`
      SELECT count(*) AS runs,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review_items ri WHERE ri."runId" = r.id)) AS escalated,
        count(*) FILTER (WHERE r.status = 'failed') AS failed
      FROM runs r WHERE r."createdAt" >= ${from} AND r."createdAt" < ${to}`,
    // The costliest runs: token totals per run and model, for the 10 runs with the most tokens.
    db.$queryRaw<Array<{ runId: string; customerId: string; createdAt: Date; model: string; tokensIn: bigint; tokensOut: bigint }>>`
      WITH top AS (
        SELECT r.id, r."customerId", r."createdAt" FROM runs r
        WHERE r."createdAt" >= ${from} AND r."createdAt" < ${to}
        ORDER BY r."tokensIn" + r."tokensOut" DESC, r.id LIMIT 10
      )
      SELECT t.id AS "runId", t."customerId", t."createdAt", mc.model, sum(mc."tokensIn") AS "tokensIn", sum(mc."tokensOut") AS "tokensOut"
      FROM top t JOIN model_calls mc ON mc."runId" = t.id
      GROUP BY 1, 2, 3, 4`,
  ]);

  const dayMap = new Map<string, DailyUsage>();
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000) {
    const key = dayKey(new Date(t));
    dayMap.set(key, { day: key, tokens: {}, costUsd: 0 });
  }
  const models = new Map<string, ModelUsage>();
  const roleCost = new Map<string, { tokens: number; cost: number }>();
  const roles = new Set<string>();
  for (const r of byDay) {
    const tin = Number(r.tokensIn);
    const tout = Number(r.tokensOut);
    const cost = costUsd(prices, r.model, tin, tout) ?? 0;
    const d = dayMap.get(dayKey(r.day));
    if (d) {
      d.tokens[r.role] = (d.tokens[r.role] ?? 0) + tin + tout;
      d.costUsd += cost;
    }
    roles.add(r.role);
    const m = models.get(r.model) ?? { model: r.model, calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, price: null };
    m.calls += Number(r.calls);
    m.tokensIn += tin;
    m.tokensOut += tout;
    m.costUsd = costUsd(prices, r.model, m.tokensIn, m.tokensOut);
    models.set(r.model, m);
    const rc = roleCost.get(r.role) ?? { tokens: 0, cost: 0 };
    rc.tokens += tin + tout;
    rc.cost += cost;
    roleCost.set(r.role, rc);
  }
  for (const m of models.values()) m.price = priceFor(prices, m.model);

  const workers: WorkerStats[] = workerRows.map((w) => {
    const n = Number(w.n);
    return {
      worker: w.worker,
      invocations: n,
      tokens: roleCost.get(w.worker)?.tokens ?? 0,
      costUsd: roleCost.get(w.worker)?.cost ?? 0,
      p50LatencyMs: w.p50 === null ? null : Math.round(w.p50),
      p95LatencyMs: w.p95 === null ? null : Math.round(w.p95),
      cacheHitRate: n ? Number(w.hits) / n : 0,
      failureRate: n ? Number(w.failed) / n : 0,
      timeoutRate: n ? Number(w.timedOut) / n : 0,
    };
  });

  const top = new Map<string, { id: string; customerId: string; createdAt: Date; tokens: number; costUsd: number }>();
  for (const r of runCalls) {
    const t = top.get(r.runId) ?? { id: r.runId, customerId: r.customerId, createdAt: r.createdAt, tokens: 0, costUsd: 0 };
    t.tokens += Number(r.tokensIn) + Number(r.tokensOut);
    t.costUsd += costUsd(prices, r.model, Number(r.tokensIn), Number(r.tokensOut)) ?? 0;
    top.set(r.runId, t);
  }

  const totalsRow = runTotals[0];
  const runs = Number(totalsRow?.runs ?? 0);
  const escalatedRuns = Number(totalsRow?.escalated ?? 0);
  const daysList = [...dayMap.values()];
  return {
    from,
    to,
    days: daysList,
    roles: [...roles].sort(),
    models: [...models.values()].sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || a.model.localeCompare(b.model)),
    workers,
    totals: {
      runs,
      tokens: daysList.reduce((s, d) => s + Object.values(d.tokens).reduce((a, b) => a + b, 0), 0),
      costUsd: daysList.reduce((s, d) => s + d.costUsd, 0),
      escalatedRuns,
      escalationRate: runs ? escalatedRuns / runs : 0,
      failedRuns: Number(totalsRow?.failed ?? 0),
    },
    topRuns: [...top.values()].sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens),
  };
}
