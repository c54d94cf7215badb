/** Language-understanding core of the local (offline) model. */
export {
  INTENT_LABELS,
  
  isWorkerLabel,
  classifyIntents,
  evaluateClassifier,
  loadCorpus,
  getIntentModel,
  trainIntentModel,
  classifyWithModel,
  decideLabels,
  
  type WorkerLabel,
  
  
  
  
  
} from "./classifier";
export { splitIntoSubtasks, planSubtasks,     } from "./clauses";
export { segmentMessage,  } from "./segment";
export { judgeDomain,   } from "./domain";
export { namesAnotherBusiness } from "./text";
export {
  parseAmountsCents,
  parseInvoiceIds,
  parseCustomerIds,
  parseDates,
  parsePlanTarget,
  parseNamedPlans,
  namesAPlan,
  
  type PlanInfo,
  
} from "./parsers";
export { analyseRequest, type RequestAnalysis } from "./requests";
export { countTokens, countPromptTokens, TOKENS_PER_MESSAGE } from "./tokens";
