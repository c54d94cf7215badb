export interface EtfPolicy {
  etfPerRemainingMonthCents: number;
  etfCapCents: number;
}

/**
 * Whole calendar months from `today` to `contractEndsOn` (YYYY-MM-DD): a month counts
 * only once its day-of-month is reached again. 0 when the contract has ended.
 * 2026-11-15 → 2028-03-31 is 16 (2028-03-15 is reached, 2028-04-15 is not).
 */
export function remainingWholeMonths(today: string, contractEndsOn: string): number {
  const [ty, tm, td] = today.split("-").map(Number);
  const [ey, em, ed] = contractEndsOn.split("-").map(Number);
  let months = (ey - ty) * 12 + (em - tm);
  if (ed < td) months -= 1;
  return Math.max(0, months);
}

/** The early-termination fee: remaining whole months x the monthly rate, capped. */
export function earlyTerminationFee(input: { today: string; contractEndsOn: string; policy: EtfPolicy }) {
  const remainingMonths = remainingWholeMonths(input.today, input.contractEndsOn);
  const uncapped = remainingMonths * input.policy.etfPerRemainingMonthCents;
  const feeCents = Math.min(uncapped, input.policy.etfCapCents);
  return { remainingMonths, feeCents, capped: uncapped > input.policy.etfCapCents };
}
