// Guardrail results share one shape so the run timeline and the audit trail can show
// every check the same way (name, pass/fail, why), whichever policy produced it.

export type GuardrailVerdict = "pass" | "fail";

export interface Guardrail {
  name: string;
  verdict: GuardrailVerdict;
  reason: string;
}

export function pass(name: string, reason: string): Guardrail {
  return { name, verdict: "pass", reason };
}

export function fail(name: string, reason: string): Guardrail {
  return { name, verdict: "fail", reason };
}

/** The first failing guardrail, or undefined when every one passed. */
export function firstFailure(checks: Guardrail[]): Guardrail | undefined {
  return checks.find((c) => c.verdict === "fail");
}

/** Formats cents as dollars for reasons shown to people ("$12.99"). */
export function dollars(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Whole days from `from` to `to` (YYYY-MM-DD strings or dates at midnight UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
