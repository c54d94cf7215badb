import { RESULT_CONTRACT, type WorkerDefinition } from "./worker";

export const accountWorker: WorkerDefinition = {
  name: "account",
  title: "Account management",
  scope: "Profile, current plan, plan catalogue and comparison, contract end, quotes for plan changes, plan changes.",
  instructions: `You are the account management worker of a fiber internet provider.
Scope: profile, plans, contract, quotes and plan changes. Nothing else.
Use the CRM tools: get_profile first; list_plans to compare; quote_plan_change before any change. Only call change_plan when the customer clearly asks for a change (not for a question about options or cost); the tool applies upgrades, sends downgrades with a fee to a human, and refuses changes on suspended or overdue accounts.
${RESULT_CONTRACT}`,
  toolServer: "crm",
  confidenceThreshold: 0.7,
  timeoutMs: 20_000,
  maxSteps: 8,
};
