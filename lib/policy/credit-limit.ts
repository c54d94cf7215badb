import { daysBetween, dollars } from "./guardrails";

export interface CreditPolicy {
  autoCreditLimitCents: number;
  autoCreditWindowDays: number;
}

export interface PriorCredit {
  amountCents: number;
  /** YYYY-MM-DD */
  issuedOn: string;
}

export interface CreditDecision {
  verdict: "auto" | "needs_approval";
  /** Credits already issued inside the window (every source counts). */
  usedCents: number;
  /** What may still be credited automatically in the window before this credit. */
  remainingCents: number;
  reason: string;
}

/**
 * Whether a credit was issued inside the window ending `today`. The window is the last
 * `windowDays` days: a credit issued exactly `windowDays` days ago still counts, one
 * issued a day earlier does not (the stricter reading of "within 30 days").
 */
export function inCreditWindow(issuedOn: string, today: string, windowDays: number): boolean {
  return daysBetween(issuedOn, today) <= windowDays;
}

/** Credits counted against the automatic limit on `today`. */
export function creditsInWindow<T extends PriorCredit>(credits: T[], today: string, windowDays: number): T[] {
  return credits.filter((c) => inCreditWindow(c.issuedOn, today, windowDays));
}

/**
 * Decides whether a new credit may be applied automatically: the total issued in the
 * window including this one must not exceed the limit. Exactly at the limit is allowed.
 */
export function decideCredit(input: {
  priorCredits: PriorCredit[];
  amountCents: number;
  today: string;
  policy: CreditPolicy;
}): CreditDecision {
  const { policy, amountCents } = input;
  const usedCents = creditsInWindow(input.priorCredits, input.today, policy.autoCreditWindowDays).reduce((s, c) => s + c.amountCents, 0);
  const remainingCents = Math.max(0, policy.autoCreditLimitCents - usedCents);
  const window = `${policy.autoCreditWindowDays}-day`;
  if (usedCents + amountCents > policy.autoCreditLimitCents) {
    return {
      verdict: "needs_approval",
      usedCents,
      remainingCents,
      reason:
        `${dollars(amountCents)} plus ${dollars(usedCents)} already credited in the last ${policy.autoCreditWindowDays} days ` +
        `exceeds the ${dollars(policy.autoCreditLimitCents)} ${window} automatic credit limit: a human must approve it`,
    };
  }
  return {
    verdict: "auto",
    usedCents,
    remainingCents,
    reason: `${dollars(amountCents)} fits the ${dollars(policy.autoCreditLimitCents)} ${window} automatic credit limit (${dollars(usedCents)} already used)`,
  };
}
