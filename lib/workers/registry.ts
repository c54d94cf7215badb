import type { WorkerName } from "../orchestrator/events";
import { accountWorker } from "./account-worker";
import { billingWorker } from "./billing-worker";
import { techSupportWorker } from "./tech-support-worker";
import type { WorkerDefinition } from "./worker";

/** Every worker the supervisor can delegate to. Adding a worker is a file and a line. */
export const workers: Record<WorkerName, WorkerDefinition> = {
  billing: billingWorker,
  tech_support: techSupportWorker,
  account: accountWorker,
};
