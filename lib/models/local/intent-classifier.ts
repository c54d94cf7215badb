import type { IntentClassifier } from "../../contracts";
import { classifyIntents, isWorkerLabel, splitIntoSubtasks } from "./nlu";

/**
 * The local model's trained intent classifier, offered to the engine for tiered
 * delegation: a single worker only when the classifier and the clause splitter
 * agree that the message has exactly one business part.
 */
export const localIntentClassifier: IntentClassifier = {
  classify(message) {
    const intents = classifyIntents(message);
    const business = intents.labels.filter(isWorkerLabel);
    const parts = splitIntoSubtasks(message);
    const single = business.length === 1 && parts.length === 1 && parts[0].worker === business[0];
    return { worker: single ? business[0] : null, confidence: intents.top.confidence };
  },
};
