import { dataParts, replyText, type ChatMessage, type WorkerStatus } from "../chat/ui-stream";

// What the chat widget shows of one run: the customer's view, in their words. No worker
// names, tool ids, confidences or review internals: a line per kind of work
// ("Checking your bill…"), the reply as it streams, and whether a person will follow up.
//
// The widget follows runs with the same useChat transport as /chat, so its input is the
// run's UI message (lib/chat/ui-stream.ts): this is a pure view of that message.

export type StepState = "working" | "done" | "failed";
/** One line of progress. Tasks that read the same to a customer share a line. */
export type ProgressStep = { label: string; state: StepState };

export type WidgetTurn = {
  runId: string;
  steps: ProgressStep[];
  /** The reply: streamed text of the latest attempt, then the final reply. */
  text: string;
  state: "working" | "done" | "followup" | "failed";
};

/** Words per worker name, from the worker registry (WorkerDefinition.progress). */
export type ProgressLabels = Record<string, string>;

const FALLBACK_LABEL = "Looking into it…";
export const FAILED_REPLY = "Sorry, something went wrong on our side. Please try again in a moment.";

function stepState(status: WorkerStatus): StepState {
  return status === "running" ? "working" : status === "succeeded" ? "done" : "failed";
}

/** Lines in the order their first task started; a line is done unless a task on it still runs or all of it failed. */
function steps(message: ChatMessage, labels: ProgressLabels): ProgressStep[] {
  const byLabel = new Map<string, StepState[]>();
  for (const w of dataParts(message, "worker")) {
    const label = Object.hasOwn(labels, w.worker) ? labels[w.worker] : FALLBACK_LABEL;
    byLabel.set(label, [...(byLabel.get(label) ?? []), stepState(w.status)]);
  }
  return [...byLabel].map(([label, states]) => ({
    label,
    state: states.includes("working") ? "working" : states.every((s) => s === "failed") ? "failed" : "done",
  }));
}

/** The widget's view of a run's message. */
export function widgetTurn(message: ChatMessage, labels: ProgressLabels): WidgetTurn {
  const status = dataParts(message, "run")[0]?.status ?? "queued";
  const state = status === "completed" ? "done" : status === "awaiting_review" ? "followup" : status === "failed" ? "failed" : "working";
  const text = replyText(message);
  return { runId: message.metadata?.runId ?? "", steps: steps(message, labels), text: text || (state === "failed" ? FAILED_REPLY : ""), state };
}
