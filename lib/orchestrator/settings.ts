import { settingsSchemaFor, type PolicyNumbers, type ReviewKind, type Settings } from "../contracts";
import type { Db, Tx } from "../db/client";
import { currentSettingsVersionNumber, ensureFirstSettingsVersion, findSettingsVersion } from "../db/settings-versions";
import { workers as defaultWorkers, type WorkerRegistry } from "../workers/registry";
import { loadWorld } from "../world/fixture";
import type { EngineDeps } from "./deps";

// Which settings a run executes under. A run is pinned to the version in force when it
// is first claimed (runs.settingsVersion) and reads that immutable version on every
// attempt, in whichever process resumes it, so a change made mid-run never mixes two
// versions in one run. A new run reads the version number in force with one indexed
// query (a version check): every app process uses a new version from its next run on,
// with no restart and no cache to invalidate.

/** A settings version as a run uses it. */
export interface VersionedSettings {
  version: number;
  settings: Settings;
}

export interface SettingsSource {
  /** The version in force now. */
  current(): Promise<VersionedSettings>;
  /** A stored version (immutable, so cached by number). */
  version(version: number): Promise<VersionedSettings>;
}

/** Review SLAs and claim time until an admin changes them (the review desk's long-standing defaults). */
const REVIEW_DEFAULTS: Settings["policy"]["reviewKinds"] = {
  credit_over_limit: { enabled: true, slaMinutes: 240 },
  downgrade_fee: { enabled: true, slaMinutes: 480 },
  low_confidence: { enabled: true, slaMinutes: 60 },
  worker_failure: { enabled: true, slaMinutes: 30 },
  handoff: { enabled: true, slaMinutes: 15 },
};

const numberFrom = (env: Record<string, string | undefined>, name: string, fallback: number) => {
  const raw = env[name];
  return raw === undefined || raw === "" ? fallback : Number(raw);
};

/**
 * The settings before any admin change: each worker's own definition, the world's
 * policy numbers, and the environment where it names a value (model ids, alert
 * budgets). Validated like any edit, so a bad environment value fails loudly.
 */
export function defaultSettings(workers: WorkerRegistry, policy: PolicyNumbers, env: Record<string, string | undefined> = process.env): Settings {
  const settings: Settings = {
    workers: Object.fromEntries(
      Object.values(workers).map((w) => [
        w.name,
        {
          enabled: true,
          modelId: env[`OPENAI_MODEL_${w.name.toUpperCase()}`] ?? null,
          confidenceThreshold: w.confidenceThreshold,
          timeoutMs: w.timeoutMs,
          maxToolSteps: w.maxSteps,
          retries: w.retries,
        },
      ]),
    ),
    policy: {
      autoCreditLimitCents: numberFrom(env, "AUTO_CREDIT_LIMIT_CENTS", policy.autoCreditLimitCents),
      autoCreditWindowDays: numberFrom(env, "AUTO_CREDIT_WINDOW_DAYS", policy.autoCreditWindowDays),
      etfPerRemainingMonthCents: policy.etfPerRemainingMonthCents,
      etfCapCents: policy.etfCapCents,
      reviewKinds: structuredClone(REVIEW_DEFAULTS),
      claimMinutes: numberFrom(env, "REVIEW_CLAIM_MINUTES", 15),
    },
    alerts: {
      runTokenBudget: numberFrom(env, "ALERT_RUN_TOKEN_BUDGET", 50_000),
      dailyTokenBudget: numberFrom(env, "ALERT_DAILY_TOKEN_BUDGET", 5_000_000),
      zScoreThreshold: numberFrom(env, "ALERT_ZSCORE_THRESHOLD", 3),
      minSamples: numberFrom(env, "ALERT_MIN_SAMPLES", 20),
    },
  };
  const parsed = settingsSchemaFor(Object.keys(workers)).safeParse(settings);
  if (!parsed.success) throw new Error(`default settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data as Settings;
}

/**
 * A stored document read against today's registry: a worker registered since the
 * version was saved gets its defaults, one no longer registered is dropped.
 */
export function readStoredSettings(stored: unknown, defaults: Settings): Settings {
  const doc = (stored ?? {}) as Partial<Settings>;
  const workers = Object.fromEntries(Object.keys(defaults.workers).map((n) => [n, doc.workers?.[n] ?? defaults.workers[n]]));
  return settingsSchemaFor(Object.keys(defaults.workers)).parse({ ...doc, workers }) as Settings;
}

/** Settings from settings_versions, creating version 1 from `defaults` when there is none. */
export function dbSettingsSource(db: Db | Tx, defaults: () => Settings): SettingsSource {
  const cache = new Map<number, VersionedSettings>();
  const version = async (n: number): Promise<VersionedSettings> => {
    const hit = cache.get(n);
    if (hit) return hit;
    const row = await findSettingsVersion(db, n);
    if (!row) throw new Error(`settings version ${n} does not exist`);
    const value = { version: n, settings: readStoredSettings(row.settings, defaults()) };
    cache.set(n, value);
    return value;
  };
  return {
    version,
    async current() {
      let n = await currentSettingsVersionNumber(db);
      if (n === null) {
        await ensureFirstSettingsVersion(db, defaults());
        n = (await currentSettingsVersionNumber(db))!;
      }
      return version(n);
    },
  };
}

/**
 * The settings source of an app process or CLI: versions in `db`, the first one made
 * from the registry's definitions, the world's policy and the environment.
 */
export function settingsSourceFor(db: Db | Tx, workers: WorkerRegistry = defaultWorkers): SettingsSource {
  return dbSettingsSource(db, () => defaultSettings(workers, loadWorld().policy));
}

/** Whether a review of this kind is raised under these settings (money and failure kinds always are). */
export function reviewKindEnabled(deps: Pick<EngineDeps, "runSettings">, kind: ReviewKind): boolean {
  return deps.runSettings?.settings.policy.reviewKinds[kind].enabled ?? true;
}

/**
 * The engine's dependencies for one run under one settings version: only enabled
 * workers, each with its threshold, timeout, step bound and retries from the
 * settings, a model per worker when the settings name one, and the policy numbers
 * the tools enforce.
 */
export function depsUnderSettings(deps: EngineDeps, versioned: VersionedSettings): EngineDeps {
  const { settings } = versioned;
  const workers: WorkerRegistry = Object.fromEntries(
    Object.values(deps.workers)
      .filter((w) => settings.workers[w.name]?.enabled ?? true)
      .map((w) => {
        const s = settings.workers[w.name];
        return [w.name, s ? { ...w, confidenceThreshold: s.confidenceThreshold, timeoutMs: s.timeoutMs, maxSteps: s.maxToolSteps, retries: s.retries } : w];
      }),
  );
  const models = { ...deps.models };
  for (const [name, s] of Object.entries(settings.workers)) {
    if (s.modelId && deps.modelWithId) models[name] = deps.modelWithId(name, s.modelId);
  }
  const disabledWorkers = Object.keys(deps.workers).filter((name) => !Object.hasOwn(workers, name));
  return { ...deps, workers, models, disabledWorkers, runSettings: versioned };
}
