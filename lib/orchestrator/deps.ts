import type { ToolSet } from "ai";
import type { Clock } from "../clock";
import type { IntentClassifier } from "../contracts";
import type { Db } from "../db/client";
import type { RunLease } from "../db/run-lease";
import type { Logger } from "../log";
import type { Models } from "../models/registry";
import type { ToolContext } from "../tools/context";
import type { ToolServerName } from "../tools/registry";
import type { WorkerRegistry } from "../workers/registry";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { RunEventBus } from "./event-bus";
import type { SettingsSource, VersionedSettings } from "./settings";

export interface ToolConnection {
  tools: ToolSet;
  close(): Promise<void>;
}

/** The tools' context, always inside a run and a sub-task (they scope idempotency keys). */
export type ToolScope = ToolContext & { runId: string; taskId: string };

/** Everything the engine needs, passed in (tests inject models, clock and hooks). */
export interface EngineDeps {
  db: Db;
  /** A model per role: supervisor, synthesis, and one per worker name. */
  models: Models;
  /** Tiered delegation's classifier; without one every message gets the planning call. */
  classifier?: IntentClassifier;
  /** Business time for the tools (contract months, credit windows). Audit timestamps use real time. */
  clock: Clock;
  workers: WorkerRegistry;
  connectTools(server: ToolServerName, scope: ToolScope): Promise<ToolConnection>;
  bus?: RunEventBus;
  log: Logger;
  /** This process's identity for run leases. */
  owner: string;
  leaseMs: number;
  /** Backoff before a worker's single retry. */
  retryBackoffMs: number;
  /** Classifier confidence at or above which a single-intent message skips planning. */
  fastPathConfidence: number;
  /**
   * Write the reply in parts as workers finish (the first part after the fastest
   * worker), instead of in one call after the slowest. On by default.
   */
  progressiveSynthesis: boolean;
  /** How many workers of one run may execute at once (Infinity: all of them). */
  workerConcurrency: number;
  /** Worker, policy and alert settings by version; without it runs use the registry's definitions and the policy in force. */
  settings?: SettingsSource;
  /** Registered workers the run's settings turn off: a plan may still name one, and a person then answers that part. */
  disabledWorkers?: readonly string[];
  /** Set on a run's own copy of the deps (depsUnderSettings): the version the run is pinned to. */
  runSettings?: VersionedSettings;
  /**
   * Set on a run's own copy of the deps while an executor drives it: the lease its claim
   * got. Every write on the run's behalf is conditional on it (../db/run-lease).
   */
  lease?: RunLease;
  /** A model for a role under an explicit model id (a worker's modelId setting). */
  modelWithId?(role: string, modelId: string): LanguageModelV4;
  /** Called at every step boundary; the crash test kills the process here. */
  onBoundary?(name: string, runId: string): void | Promise<void>;
}
