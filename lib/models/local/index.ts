import { accountBrain } from "./brains/account-brain";
import { billingBrain } from "./brains/billing-brain";
import { refuseBrain } from "./brains/common";
import { supervisorBrain } from "./brains/supervisor-brain";
import { synthesisBrain } from "./brains/synthesis-brain";
import { techSupportBrain } from "./brains/tech-support-brain";
import { type Brain, LocalLanguageModel } from "./local-model";

const brains = new Map<string, Brain>([
  ["supervisor", supervisorBrain],
  ["billing", billingBrain],
  ["tech_support", techSupportBrain],
  ["account", accountBrain],
  ["synthesis", synthesisBrain],
]);

/** The offline model for one role; a role it has no decision logic for refuses every task. */
export function createLocalModel(role: string, latencyMs = 0) {
  return new LocalLanguageModel({ role, brain: brains.get(role) ?? refuseBrain, latencyMs });
}
