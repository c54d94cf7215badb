/** Language-understanding core of the local (offline) model. */
export {
  INTENT_LABELS,
  WORKER_LABELS,
  isWorkerLabel,
  classifyIntents,
  evaluateClassifier,
  loadCorpus,
  getIntentModel,
  trainIntentModel,
  classifyWithModel,
  decideLabels,
  type IntentLabel,
  type WorkerLabel,
  type IntentClassification,
  type ClassifierEvaluation,
  type CorpusExample,
  type IntentModel,
  type TrainOptions,
} from "./classifier";
export { splitIntoSubtasks, planSubtasks, type Subtask, type SubtaskPlan, type ClauseInfo, type Worker } from "./clauses";
export { segmentMessage, type Segment } from "./segment";
export { judgeDomain, type DomainJudgement, type DomainVerdict } from "./domain";
export { namesAnotherBusiness } from "./text";
export {
  parseAmountsCents,
  parseInvoiceIds,
  parseCustomerIds,
  parseDates,
  parsePlanTarget,
  type DateRef,
  type RelativeMarker,
  type PlanInfo,
  type PlanTarget,
} from "./parsers";
export { analyseRequest, type RequestAnalysis } from "./requests";
export { countTokens, countPromptTokens, TOKENS_PER_MESSAGE } from "./tokens";
