// The conversation's state as the supervisor is given it (lib/orchestrator/
// conversation-context.ts builds it from the stored runs): shared by the orchestrator,
// which writes it into the planning prompt, and any model that reads it back.

/** A plan change the last turn quoted and did not make: what a confirmation would do. */
export interface PlanOffer {
  toPlanId: string;
  toPlanName: string;
  monthlyCents: number;
  downMbps: number;
  /** Early-termination fee the change would trigger. */
  feeCents: number;
  decision: "allowed" | "needs_approval" | "refused";
}

/** A plan the last turn listed (the catalogue beside the customer's own). */
export interface ListedPlan {
  id: string;
  name: string;
  monthlyCents: number;
  downMbps: number;
  current: boolean;
}

/** An action of the customer's that waits for a person (any conversation of theirs). */
export interface PendingAction {
  /** The review item: what a withdrawal names (the plan's `withdraw`). */
  id: string;
  /**
   * Sent for review by this conversation's latest business turn (nothing but small talk
   * or questions since): what "never mind" or "cancel that" takes back.
   */
  lastTurn: boolean;
  type: "credit" | "plan_change";
  amountCents?: number;
  toPlanId?: string;
  /** When it was sent for review (ISO). */
  since: string;
}

/** What the last turn did (applied by its own tool calls): a retraction must not be told "nothing changed". */
export type DoneAction =
  | { type: "plan_change"; fromPlanId: string; toPlanId: string }
  | { type: "credit"; amountCents: number };

export interface ConversationState {
  /**
   * The conversation's last business turn before this message (else its last turn): the
   * customer's words and how it was planned. What follows is read from that turn.
   */
  previous: { message: string; kind: string; tasks: Array<{ worker: string; instruction: string }>; failed?: boolean } | null;
  /** The customer's last messages before this one, oldest first (up to four, cut short): an ask repeated a third time goes to a person. */
  earlier?: string[];
  /** What the customer said after that turn and before this message ("thanks", "never mind"): a withdrawn offer stays withdrawn. */
  since: string[];
  offers: PlanOffer[];
  /** The catalogue the last turn looked up (the customer's own plan marked current): what a reference like "the fastest one" is resolved against. */
  plansListed: ListedPlan[];
  done: DoneAction[];
  /** An outage the last turn found, with its expected end (ISO, or null when unknown). */
  outage: { id: string; summary: string; etaAt: string | null } | null;
  pending: PendingAction[];
}

/** Marks the state's line in the supervisor's prompt (a model reads it as JSON after the marker). */
export const STATE_MARKER = "Conversation state (JSON):";

