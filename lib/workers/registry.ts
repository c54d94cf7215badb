import type { WorkerName } from "../contracts";
import { accountWorker } from "./account-worker";
import { billingWorker } from "./billing-worker";
import { techSupportWorker } from "./tech-support-worker";
import type { WorkerDefinition } from "./worker";

// Every worker the supervisor can delegate to: the one list of workers. Their
// names, titles, scopes (the supervisor's prompt), tool servers and model roles are
// all read from here. Adding a worker is a file and a line.

export type WorkerRegistry = Readonly<Record<WorkerName, WorkerDefinition>>;

export const workers: WorkerRegistry = {
  billing: billingWorker,
  tech_support: techSupportWorker,
  account: accountWorker,
};

/** The worker of that name in `registry`, or undefined (never an Object.prototype member). */
export function findWorker(registry: WorkerRegistry, name: string): WorkerDefinition | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}

/** Display name of a worker; the raw name for one the registry does not know. */
export function workerTitle(name: string, registry: WorkerRegistry = workers): string {
  return findWorker(registry, name)?.title ?? name;
}
