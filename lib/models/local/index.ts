import type { ModelRole } from "../roles";
import { accountBrain } from "./brains/account-brain";
import { billingBrain } from "./brains/billing-brain";
import { supervisorBrain } from "./brains/supervisor-brain";
import { synthesisBrain } from "./brains/synthesis-brain";
import { techSupportBrain } from "./brains/tech-support-brain";
import { type Brain, LocalLanguageModel } from "./local-model";

const brains: Record<ModelRole, Brain> = {
  supervisor: supervisorBrain,
  billing: billingBrain,
  tech_support: techSupportBrain,
  account: accountBrain,
  synthesis: synthesisBrain,
};

/** The offline model for one role. */
export function createLocalModel(role: ModelRole, latencyMs = 0) {
  return new LocalLanguageModel({ role, brain: brains[role], latencyMs });
}
