import type { StoredRunEvent } from "../orchestrator/events";

// What the chat widget shows of one run: the customer's view, in their words. No worker
// names, tool ids, confidences or review internals: a line per kind of work
// ("Checking your bill…"), the reply as it streams, and whether a person will follow up.

export type StepState = "working" | "done" | "failed";
/** One line of progress. Tasks that read the same to a customer share a line. */
export type ProgressStep = { label: string; state: StepState };

export type WidgetTurn = {
  runId: string;
  steps: ProgressStep[];
  /** The reply: streamed text of the latest attempt, then the final reply. */
  text: string;
  state: "working" | "done" | "followup" | "failed";
  /** Highest event seq applied, for resuming the stream. */
  lastSeq: number;
  attempt: number;
  /** taskId → label, so a finished task finds its line. */
  tasks: Record<string, string>;
  taskStates: Record<string, StepState>;
};

/** Words per worker name, from the worker registry (WorkerDefinition.progress). */
export type ProgressLabels = Record<string, string>;

const FALLBACK_LABEL = "Looking into it…";
export const FAILED_REPLY = "Sorry, something went wrong on our side. Please try again in a moment.";

export function startTurn(runId: string): WidgetTurn {
  return { runId, steps: [], text: "", state: "working", lastSeq: 0, attempt: 0, tasks: {}, taskStates: {} };
}

function withSteps(turn: WidgetTurn, taskStates: Record<string, StepState>): WidgetTurn {
  const byLabel = new Map<string, StepState[]>();
  for (const [taskId, state] of Object.entries(taskStates)) {
    const label = turn.tasks[taskId];
    byLabel.set(label, [...(byLabel.get(label) ?? []), state]);
  }
  const steps = [...byLabel].map(([label, states]) => ({
    label,
    state: states.includes("working") ? ("working" as const) : states.every((s) => s === "failed") ? ("failed" as const) : ("done" as const),
  }));
  return { ...turn, taskStates, steps };
}

/** The turn after one more event of its run; events already applied are ignored. */
export function applyEvent(turn: WidgetTurn, e: StoredRunEvent, labels: ProgressLabels): WidgetTurn {
  if (e.seq <= turn.lastSeq) return turn;
  const next = { ...turn, lastSeq: e.seq };
  switch (e.type) {
    case "worker_started": {
      const label = Object.hasOwn(labels, e.worker) ? labels[e.worker] : FALLBACK_LABEL;
      return withSteps({ ...next, tasks: { ...next.tasks, [e.taskId]: label } }, { ...next.taskStates, [e.taskId]: "working" });
    }
    case "worker_finished":
      if (!Object.hasOwn(next.tasks, e.taskId)) return next;
      return withSteps(next, { ...next.taskStates, [e.taskId]: e.outcome === "succeeded" ? "done" : "failed" });
    case "message_delta":
      // A resumed run streams its reply again from the start under a higher attempt.
      if (e.attempt < next.attempt) return next;
      return e.attempt > next.attempt ? { ...next, attempt: e.attempt, text: e.delta } : { ...next, text: next.text + e.delta };
    case "run_finished": {
      const state = e.status === "completed" ? "done" : e.status === "awaiting_review" ? "followup" : "failed";
      const text = e.reply || (state === "failed" ? FAILED_REPLY : next.text);
      return { ...next, state, text };
    }
    default:
      return next;
  }
}

/** Whether the run has nothing more to say. */
export function isFinished(turn: WidgetTurn): boolean {
  return turn.state !== "working";
}
