import { REVIEW_KINDS, REQUIRED_REVIEW_KINDS, type Settings } from "@/lib/contracts";
import { REVIEW_KIND_LABELS } from "@/components/review/review-kind";
import { workerLabel } from "@/lib/format/worker-label";

// The settings form's fields, by the dotted path of the leaf they edit. Money is shown
// and typed in dollars and stored in cents; everything else as stored.

export type FieldKind = "money" | "int" | "ratio" | "decimal" | "bool" | "model";

export interface FieldSpec {
  path: string;
  /** The name in the diff and the history (says which worker or review kind). */
  label: string;
  /** The name on the form, where a group heading already says which worker. */
  short?: string;
  kind: FieldKind;
  unit?: string;
  help?: string;
  /** Shown but not editable (a review kind that guards money or a failure). */
  locked?: boolean;
}

export type FormValues = Record<string, string | boolean>;


export const POLICY_FIELDS: FieldSpec[] = [
  { path: "policy.autoCreditLimitCents", label: "Auto-credit limit", kind: "money", help: "Credits up to this, counted over the window with earlier credits, apply at once; above it they wait for a reviewer." },
  { path: "policy.autoCreditWindowDays", label: "Auto-credit window", kind: "int", unit: "days" },
  { path: "policy.etfPerRemainingMonthCents", label: "Early-termination fee per remaining month", kind: "money" },
  { path: "policy.etfCapCents", label: "Early-termination fee cap", kind: "money" },
  { path: "policy.claimMinutes", label: "Reviewer claim lasts", kind: "int", unit: "min" },
];

export const reviewKindFields = (): FieldSpec[][] =>
  REVIEW_KINDS.map((k) => [
    { path: `policy.reviewKinds.${k}.enabled`, label: `${REVIEW_KIND_LABELS[k]} reviews`, kind: "bool", locked: REQUIRED_REVIEW_KINDS.includes(k) },
    { path: `policy.reviewKinds.${k}.slaMinutes`, label: `${REVIEW_KIND_LABELS[k]} SLA`, kind: "int", unit: "min" },
  ]);

export const workerFields = (name: string): FieldSpec[] => [
  { path: `workers.${name}.enabled`, label: `${workerLabel(name)} worker`, short: "Enabled", kind: "bool" },
  { path: `workers.${name}.modelId`, label: `${workerLabel(name)} model id`, short: "Model id", kind: "model", help: "Empty: the environment's model." },
  { path: `workers.${name}.confidenceThreshold`, label: `${workerLabel(name)} confidence threshold`, short: "Confidence threshold", kind: "ratio", help: "0 to 1; below it a person reviews." },
  { path: `workers.${name}.timeoutMs`, label: `${workerLabel(name)} timeout`, short: "Timeout", kind: "int", unit: "ms" },
  { path: `workers.${name}.maxToolSteps`, label: `${workerLabel(name)} max tool steps`, short: "Max tool steps", kind: "int" },
  { path: `workers.${name}.retries`, label: `${workerLabel(name)} retries`, short: "Retries after a failure", kind: "int" },
];

export const ALERT_FIELDS: FieldSpec[] = [
  { path: "alerts.runTokenBudget", label: "Token budget per run", kind: "int", unit: "tokens" },
  { path: "alerts.dailyTokenBudget", label: "Daily token budget", kind: "int", unit: "tokens" },
  { path: "alerts.zScoreThreshold", label: "Anomaly z-score", kind: "decimal", unit: "σ" },
  { path: "alerts.minSamples", label: "Samples before a baseline counts", kind: "int" },
];

export function allFields(settings: Settings): FieldSpec[] {
  return [...POLICY_FIELDS, ...reviewKindFields().flat(), ...Object.keys(settings.workers).flatMap(workerFields), ...ALERT_FIELDS];
}

function getPath(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

const centsToDollars = (c: number) => (c % 100 === 0 ? String(c / 100) : (c / 100).toFixed(2));

/** The form's text for each field of a settings document. */
export function toValues(settings: Settings): FormValues {
  const values: FormValues = {};
  for (const f of allFields(settings)) {
    const v = getPath(settings, f.path);
    values[f.path] = f.kind === "bool" ? Boolean(v) : f.kind === "money" ? centsToDollars(Number(v)) : v === null || v === undefined ? "" : String(v);
  }
  return values;
}

/** A number typed into a field, or NaN (which the schema reports as "must be a number"). */
const parseNumber = (text: string) => (text.trim() === "" ? Number.NaN : Number(text.trim()));

/** The settings document the form describes (not validated: the schema does that). */
export function toDocument(base: Settings, values: FormValues): Settings {
  const doc = structuredClone(base) as unknown as Record<string, unknown>;
  for (const f of allFields(base)) {
    const raw = values[f.path];
    let v: unknown;
    if (f.kind === "bool") v = Boolean(raw);
    else if (f.kind === "model") v = String(raw ?? "").trim() === "" ? null : String(raw).trim();
    else if (f.kind === "money") {
      const dollars = parseNumber(String(raw ?? ""));
      v = Number.isFinite(dollars) ? Math.round(dollars * 100) : Number.NaN;
    } else v = parseNumber(String(raw ?? ""));
    setPath(doc, f.path, v);
  }
  return doc as unknown as Settings;
}

/** A stored value as a person reads it, for the diff and the history. */
export function formatValue(spec: FieldSpec | undefined, value: unknown): string {
  if (value === null || value === undefined) return spec?.kind === "model" ? "default" : "—";
  if (typeof value === "boolean") return value ? "On" : "Off";
  if (spec?.kind === "money" && typeof value === "number") return `$${centsToDollars(value)}`;
  if (typeof value === "number") return `${value.toLocaleString("en-US")}${spec?.unit ? ` ${spec.unit}` : ""}`;
  return String(value);
}

/** Schema messages speak of cents; a money field is typed in dollars, so say dollars. */
export function fieldMessage(spec: FieldSpec | undefined, message: string): string {
  if (spec?.kind !== "money") return message;
  return message.replace(/(-?\d+) cents/g, (_, n: string) => `$${centsToDollars(Number(n))}`).replace(/ of cents/, " of cents (two decimals at most)");
}

/** Label lookup for a dotted path, with a readable fallback for paths without a field. */
export function specFor(fields: FieldSpec[], path: string): FieldSpec | undefined {
  return fields.find((f) => f.path === path);
}
