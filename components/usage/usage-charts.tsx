"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// The usage dashboard's charts (Recharts): tokens per day stacked by role, and the
// estimated cost per day. Colours read in light and dark; the axes use zinc-500,
// which holds contrast on both backgrounds.

const ROLE_COLORS = ["#6366f1", "#10b981", "#f59e0b", "#0ea5e9", "#a855f7", "#ef4444", "#64748b"];
const AXIS = { fill: "#71717a", fontSize: 11 };

type Day = { day: string; tokens: Record<string, number>; costUsd: number };

function compact(n: number) {
  return Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

function TooltipBox({ active, payload, label, money }: { active?: boolean; payload?: Array<{ name?: string; value?: number; color?: string }>; label?: string; money?: boolean }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs shadow-md dark:border-zinc-700 dark:bg-zinc-900">
      <p className="mb-1 font-medium text-zinc-900 dark:text-zinc-100">{label}</p>
      {payload.map((p) => (
        <p key={p.name} className="flex items-center gap-2 text-zinc-600 dark:text-zinc-300">
          <span aria-hidden className="size-2 rounded-full" style={{ background: p.color }} />
          {p.name}: <span className="font-mono tabular-nums">{money ? `$${(p.value ?? 0).toFixed(4)}` : (p.value ?? 0).toLocaleString("en-US")}</span>
        </p>
      ))}
    </div>
  );
}

/** Tokens per day, one stacked bar segment per role (supervisor, each worker, synthesis). */
export function TokensPerDayChart({ days, roles, labels }: { days: Day[]; roles: string[]; labels: Record<string, string> }) {
  const data = days.map((d) => ({ day: d.day.slice(5), ...Object.fromEntries(roles.map((r) => [r, d.tokens[r] ?? 0])) }));
  return (
    <div className="h-64 w-full" data-testid="chart-tokens-per-day" role="img" aria-label="Tokens per day by role">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#a1a1aa" strokeOpacity={0.25} />
          <XAxis dataKey="day" tick={AXIS} tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={12} />
          <YAxis tick={AXIS} tickLine={false} axisLine={false} tickFormatter={compact} width={48} />
          <Tooltip content={<TooltipBox />} cursor={{ fill: "#a1a1aa", fillOpacity: 0.12 }} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, color: "#71717a" }} />
          {roles.map((r, i) => (
            <Bar key={r} dataKey={r} name={labels[r] ?? r} stackId="t" fill={ROLE_COLORS[i % ROLE_COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Dollar ticks with enough digits that neighbouring ticks never read the same. */
function money(v: number) {
  if (v === 0) return "$0";
  if (v < 0.01) return `$${v.toFixed(4)}`;
  if (v < 1) return `$${v.toFixed(3)}`;
  return `$${compact(v)}`;
}

/** Estimated cost per day (all models, at the configured prices). */
export function CostPerDayChart({ days }: { days: Day[] }) {
  const data = days.map((d) => ({ day: d.day.slice(5), cost: +d.costUsd.toFixed(6) }));
  return (
    <div className="h-64 w-full" data-testid="chart-cost-per-day" role="img" aria-label="Estimated cost per day">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#a1a1aa" strokeOpacity={0.25} />
          <XAxis dataKey="day" tick={AXIS} tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={12} />
          <YAxis tick={AXIS} tickLine={false} axisLine={false} tickFormatter={money} width={64} />
          <Tooltip content={<TooltipBox money />} cursor={{ fill: "#a1a1aa", fillOpacity: 0.12 }} />
          <Bar dataKey="cost" name="Estimated cost" fill="#6366f1" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
